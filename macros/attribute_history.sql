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
    Run at the start of every dbt run (on-run-start in dbt_project.yml): the one-time upgrade of
    a warehouse built before the lean history, in place, so pruned snapshots keep their rows.
    Here rather than in pre-hooks, because DuckDB refuses to commit rows written to a table
    altered in the same transaction, and dbt builds each model in one.

    The wide history table (every staging column per snapshot) has its attribute versions
    copied into int_model_attribute_versions; each row gets its attributes' hash, a stamp and
    an empty downloads_all_time, and the attribute columns go (their space is reused once
    DuckDB checkpoints). The tables that read history get the columns they now have and lose
    the replaced ones; without a stamp they then rebuild all their rows (history_watermark).
-#}
{% macro upgrade_history() -%}
    {%- set statements = upgrade_history_statements() -%}
    {%- if statements | trim -%}
        {#- dbt rolls the on-run-start transaction back: each step commits and opens the next. -#}
        {{ statements }}
    {%- endif -%}
{%- endmacro %}

{% macro upgrade_history_statements() -%}
    {%- if execute -%}
        {%- set history = history_relation() -%}
        {%- set versions = api.Relation.create(
            database=target.database, schema=var('history_schema'),
            identifier='int_model_attribute_versions', type='table'
        ) -%}
        {%- if 'tags' in stored_columns(history) -%}
            {%- if not stored_columns(versions) %}
            {#- dbt listed the warehouse's tables before this runs: it must know the new one. #}
            {%- do adapter.cache_added(versions) %}
        create table {{ versions }} (
            model_id varchar not null,
            attributes_hash ubigint not null,
            author varchar,
            library_name varchar,
            created_at_text varchar,
            created_at timestamp,
            release_year integer,
            is_created_at_placeholder boolean,
            is_private boolean,
            tags varchar[],
            has_malformed_tags boolean
        );
        insert into {{ versions }}
        with first_sightings as (
            select model_id, {{ attributes_hash() }} as attributes_hash, min(snapshot_id) as snapshot_id
            from {{ history }}
            group by all
        )
        select history.model_id, {{ attributes_hash('history.') }}, history.{{ attribute_columns() | join(', history.') }}
        from {{ history }} as history
        semi join first_sightings
            on history.model_id = first_sightings.model_id
            and history.snapshot_id = first_sightings.snapshot_id;
        commit; begin;
            {%- endif %}
        {#- DuckDB refuses to commit a table altered and then written in one transaction. #}
        alter table {{ history }} add column attributes_hash ubigint;
        alter table {{ history }} add column appended_at timestamp;
        alter table {{ history }} add column downloads_all_time bigint;
        commit; begin;
        update {{ history }} set
            attributes_hash = {{ attributes_hash() }},
            appended_at = {{ build_started_at() }};
        commit; begin;
            {%- for column in ['hub_object_id'] + attribute_columns() %}
        alter table {{ history }} drop column if exists {{ column }};
            {%- endfor %}
        commit; begin;
        {%- endif %}
        {%- for model, add, drop in [
            ('int_models_deduplicated', {
                'appended_at': 'timestamp', 'is_full_observation': 'boolean',
                'attributes_hash': 'ubigint', 'downloads_all_time': 'bigint',
                'previous_snapshot_id': 'varchar', 'previous_snapshot_at': 'timestamp',
                'previous_loaded_at': 'timestamp', 'previous_downloads': 'bigint',
                'previous_likes': 'bigint', 'previous_downloads_all_time': 'bigint',
            }, ['hub_object_id']),
            ('model_growth', {'downloads_30d_change': 'bigint', 'appended_at': 'timestamp'},
                ['downloads_change']),
            ('category_trends', {
                'downloads_per_day': 'double', 'downloads_per_day_model_count': 'bigint',
                'appended_at': 'timestamp',
            }, []),
        ] -%}
            {%- set node = graph.nodes.values()
                | selectattr('resource_type', 'equalto', 'model')
                | selectattr('name', 'equalto', model) | first -%}
            {%- set relation = api.Relation.create(
                database=node.database, schema=node.schema, identifier=node.alias
            ) -%}
            {%- set columns = stored_columns(relation) -%}
            {%- if columns -%}
                {%- for name, type in add.items() if name not in columns %}
        alter table {{ relation }} add column {{ name }} {{ type }};
                {%- endfor %}
                {%- for name in drop if name in columns %}
        alter table {{ relation }} drop column {{ name }};
                {%- endfor %}
                {%- set adding = add.keys() | reject('in', columns) | list -%}
                {%- if adding or drop | select('in', columns) | list %}
        commit; begin;
                {%- endif %}
            {%- endif -%}
        {%- endfor %}
    {%- endif -%}
{%- endmacro %}
