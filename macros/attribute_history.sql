{#-
    Lean history: per snapshot the history table keeps each model's metrics, its category and
    `attributes_hash`, a hash of the attributes below; `model_attribute_versions` keeps each
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
