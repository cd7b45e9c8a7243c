{#- Rows whose combination of columns is not unique: a grain test for compound keys. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

{%- set columns = combination_of_columns | join(', ') %}

with

-- Grouping one hash per row takes a fraction of the memory and time of grouping the values
-- themselves (10M model/tag pairs in model_tags). Equal values hash equally, so only a hash
-- seen twice can hide a repeat; those few are compared by value below.
repeated_hashes as (

    select hash({{ columns }}) as combination_hash
    from {{ model }}
    group by combination_hash
    having count(*) > 1

),

candidates as (

    select {{ columns }}
    from {{ model }}
    where hash({{ columns }}) in (select combination_hash from repeated_hashes)

),

grouped as (

    select
        {{ columns }},
        count(*) as row_count,
    from candidates
    group by all

),

final as (

    select * from grouped
    where row_count > 1

)

select * from final

{% endtest %}
