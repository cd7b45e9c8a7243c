{#- The per-derivation count columns are a pivot of the seed `derivations`: a derivation the seed
    gains needs its columns here too, or its models would be counted in no column. -#}
{%- set pivots = [
    (ref('int_lineage_descendant_counts'), 'direct_', '_count'),
    (ref('int_lineage_descendant_counts'), 'descendant_', '_count'),
    (ref('base_models'), 'direct_', '_count'),
    (ref('base_models'), 'descendant_', '_count'),
    (ref('model_families'), 'direct_', '_count'),
    (ref('model_families'), 'descendant_', '_count'),
    (ref('top_base_models'), 'descendant_', '_count'),
    (ref('family_summary'), '', '_count'),
    (ref('lineage_summary'), '', '_model_count'),
] -%}

with

derivations as (

    select derivation from {{ ref('derivations') }}
    where is_derivative

),

columns as (

    select table_schema, table_name, column_name from information_schema.columns

),

wanted as (

    {% for relation, prefix, suffix in pivots %}
    select
        '{{ relation.schema }}' as table_schema,
        '{{ relation.identifier }}' as table_name,
        '{{ prefix }}' || derivation || '{{ suffix }}' as column_name,
    from derivations
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select wanted.* from wanted
    anti join columns
        on
            wanted.table_schema = columns.table_schema
            and wanted.table_name = columns.table_name
            and wanted.column_name = columns.column_name

)

select * from final
