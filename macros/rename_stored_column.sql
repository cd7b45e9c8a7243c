{#-
    A pre-hook of a history (incremental) table whose column was renamed. Its stored rows are
    the only copy of pruned snapshots, and `on_schema_change='append_new_columns'` would add
    the new name empty beside the old one, so the stored column is renamed in place instead.
-#}
{% macro rename_stored_column(old_name, new_name) -%}
    {%- if execute -%}
        {%- set relation = adapter.get_relation(
            database=this.database, schema=this.schema, identifier=this.identifier
        ) -%}
        {%- set columns = adapter.get_columns_in_relation(relation) if relation else [] -%}
        {%- set names = columns | map(attribute='name') | list -%}
        {%- if old_name in names and new_name not in names -%}
            alter table {{ relation }} rename column {{ old_name }} to {{ new_name }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
