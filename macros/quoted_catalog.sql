{#-
    dbt-duckdb names the catalog after the warehouse file and puts that name into SQL strings
    unescaped; a file named o'brien.duckdb then fails every build with a parser error. These
    overrides are dbt-duckdb 1.11's own macros with each name passed through sql_catalog_name.
-#}
{% macro sql_catalog_name(database) -%}
    {#- dbt sometimes hands over the name already quoted as an identifier ("o'brien"). -#}
    {%- set name = database | string -%}
    {%- if name.startswith('"') and name.endswith('"') -%}
        {%- set name = name[1:-1].replace('""', '"') -%}
    {%- endif -%}
    '{{ adapter.escape_sql_string(name) }}'
{%- endmacro %}

{% macro duckdb__list_schemas(database) -%}
    {% set sql %}
        select schema_name
        from system.information_schema.schemata
        {% if database is not none %}
            where lower(catalog_name) = lower({{ sql_catalog_name(database) }})
        {% endif %}
    {% endset %}
    {{ return(run_query(sql)) }}
{% endmacro %}

{% macro duckdb__check_schema_exists(information_schema, schema) -%}
    {% set sql -%}
        select count(*)
        from system.information_schema.schemata
        where
            lower(schema_name) = lower({{ sql_catalog_name(schema) }})
            and lower(catalog_name) = lower({{ sql_catalog_name(information_schema.database) }})
    {%- endset %}
    {{ return(run_query(sql)) }}
{% endmacro %}

{% macro duckdb__list_relations_without_caching(schema_relation) %}
    {% call statement('list_relations_without_caching', fetch_result=True) -%}
        select
            {{ sql_catalog_name(schema_relation.database) }} as database,
            table_name as name,
            table_schema as schema,
            case table_type
                when 'BASE TABLE' then 'table'
                when 'VIEW' then 'view'
                when 'LOCAL TEMPORARY' then 'table'
            end as type
        from system.information_schema.tables
        where
            lower(table_schema) = lower({{ sql_catalog_name(schema_relation.schema) }})
            and lower(table_catalog) = lower({{ sql_catalog_name(schema_relation.database) }})
    {% endcall %}
    {{ return(load_result('list_relations_without_caching').table) }}
{% endmacro %}

{% macro duckdb__create_schema(relation) -%}
    {%- call statement('create_schema') -%}
        {% set sql %}
            select type from duckdb_databases()
            where
                lower(database_name) = lower({{ sql_catalog_name(relation.database) }})
                and type != 'duckdb'
        {% endset %}
        {% set results = run_query(sql) %}
        {% if results|length == 0 %}
            create schema if not exists {{ relation.without_identifier() }}
        {% else %}
            {% set attached_type = results.columns[0].values()[0] %}
            {% if attached_type == 'sqlite' and relation.schema != 'main' %}
                {{ exceptions.raise_compiler_error(
                    "Schema must be 'main' when writing to sqlite instead got " ~ relation.schema
                ) }}
            {% elif attached_type not in ['sqlite', 'mysql'] %}
                create schema if not exists {{ relation.without_identifier() }}
            {% endif %}
        {% endif %}
    {%- endcall -%}
{% endmacro %}

{% macro drop_indexes_on_relation(relation) -%}
    {#- auto_begin=False, as in dbt-duckdb: this may run after a materialization's commit. -#}
    {% call statement('get_indexes_on_relation', fetch_result=True, auto_begin=False) %}
        select index_name
        from duckdb_indexes()
        where
            database_name = {{ sql_catalog_name(relation.database) }}
            and schema_name = {{ sql_catalog_name(relation.schema) }}
            and table_name = {{ sql_catalog_name(relation.identifier) }}
    {% endcall %}

    {% set results = load_result('get_indexes_on_relation').table %}
    {% for row in results %}
        {% set index_name = row[0] %}
        {% call statement('drop_index_' + loop.index|string, auto_begin=false) %}
            drop index {{ relation.without_identifier() }}.{{ adapter.quote(index_name) }}
        {% endcall %}
    {% endfor %}
{%- endmacro %}

{% macro duckdb__get_catalog_tables_sql(information_schema) -%}
    select *
    from (
        select
            t.database_name as table_database,
            t.schema_name as table_schema,
            t.table_name,
            'BASE TABLE' as table_type,
            t.comment as table_comment
        from duckdb_tables() as t
        where upper(t.database_name) = upper({{ sql_catalog_name(information_schema.database) }})

        union all

        select
            v.database_name as table_database,
            v.schema_name as table_schema,
            v.view_name as table_name,
            'VIEW' as table_type,
            v.comment as table_comment
        from duckdb_views() as v
        where upper(v.database_name) = upper({{ sql_catalog_name(information_schema.database) }})
    ) as catalog_tables
{%- endmacro %}

{% macro duckdb__get_catalog_columns_sql(information_schema) -%}
    select *
    from (
        select
            c.database_name as table_database,
            c.schema_name as table_schema,
            c.table_name,
            c.column_name,
            c.column_index,
            c.data_type as column_type,
            c.comment as column_comment
        from duckdb_columns() as c
        where upper(c.database_name) = upper({{ sql_catalog_name(information_schema.database) }})
    ) as catalog_columns
{%- endmacro %}
