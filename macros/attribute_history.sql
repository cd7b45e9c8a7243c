{#-
    Lean history: per snapshot the history table keeps each model's metrics, its category and
    `attributes_hash`, a hash of the attributes below; `int_model_attribute_versions` keeps each
    model's attributes once per distinct value of that hash. A model whose tags, licence or
    library never change costs one row there, however many snapshots see it.
-#}

{#- The attribute columns stored once per version, in one place for the hash and the tables. -#}
{% macro attribute_columns() -%}
    {{ return([
        'author', 'library_name', 'created_at_text', 'created_at', 'release_year',
        'is_created_at_placeholder', 'is_private', 'tags', 'has_malformed_tags',
    ]) }}
{%- endmacro %}

{#-
    What identifies a version. created_at, release_year and is_created_at_placeholder follow
    from created_at_text, so they are left out.
-#}
{% macro attributes_hash(prefix='') -%}
    hash(
        {{ prefix }}author,
        {{ prefix }}library_name,
        {{ prefix }}created_at_text,
        {{ prefix }}is_private,
        {{ prefix }}tags,
        {{ prefix }}has_malformed_tags
    )
{%- endmacro %}

{#-
    Whether the history table is still the wide one (every staging column per snapshot, as
    built before the lean history): its attributes then move to int_model_attribute_versions,
    after which the history table's pre-hook drops them (narrow_stored_history).
-#}
{% macro history_is_wide() -%}
    {{ return('tags' in stored_columns(history_relation())) }}
{%- endmacro %}

{#-
    A pre-hook of the history table: the one-time upgrade of a wide history table to the lean
    one, in place, so pruned snapshots keep their rows. Each row gets its attributes' hash (the
    versions were copied by int_model_attribute_versions, built first) and a stamp, then the
    attribute columns go; their space is reused once DuckDB checkpoints.
-#}
{% macro narrow_stored_history() -%}
    {%- if execute and 'tags' in stored_columns(this) -%}
        {%- set drop = ['hub_object_id'] + attribute_columns() -%}
        alter table {{ this }} add column attributes_hash ubigint;
        update {{ this }} set attributes_hash = {{ attributes_hash() }};
        alter table {{ this }} add column appended_at timestamp;
        update {{ this }} set appended_at = {{ appended_at() }};
        {%- for column in drop %}
        alter table {{ this }} drop column if exists {{ column }};
        {%- endfor %}
    {%- endif -%}
{%- endmacro %}
