{#-
    A pre-hook of an incremental table whose column was replaced by another: `append_new_columns`
    adds new columns but never removes old ones, so the old one is dropped here.
-#}
{% macro drop_stored_column(name) -%}
    {%- if execute and name in stored_columns(this) -%}
        alter table {{ this }} drop column {{ name }}
    {%- endif -%}
{%- endmacro %}
