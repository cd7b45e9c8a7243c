{#-
    `make upgrade` (`dbt run-operation upgrade_warehouse`): the explicit, one-time step that
    brings a warehouse built by older code to today's layout, in place, keeping every stored
    snapshot (after `make prune` the history tables hold the only copy of old ones). Each step
    runs only where its old layout is found, so running it again does nothing. A build refuses
    an old warehouse with one line naming this step (refuse_an_old_warehouse), rather than
    upgrading on every build.

    1. The history tables move from `intermediate` under their old names
        (`int_model_snapshots_clipped`, `int_model_attribute_versions`) to the `history` schema
        under the names of what they hold (dbt_project.yml vars).
    2. The history column `was_clipped` is renamed `is_clipped`, keeping its values.
    3. A wide history table (every staging column per snapshot, before the lean history) has its
        attribute versions copied into the versions table; each row gets its attributes' hash, a
        stamp and an empty downloads_all_time, and the attribute columns go. The tables that read
        history get the columns they now have and lose the replaced ones; without a stamp they
        then rebuild all their rows (their watermark is null).

    DuckDB refuses to commit rows written to a table altered in the same transaction, so the
    steps commit one by one.
-#}

{#- The old home of each history table, and the model that now holds it. -#}
{% macro moved_history_tables() -%}
    {{ return([
        ('intermediate', 'int_model_snapshots_clipped', var('history_table')),
        ('intermediate', 'int_model_attribute_versions', 'model_attribute_versions'),
    ]) }}
{%- endmacro %}

{% macro relation_named(schema, identifier) -%}
    {{ return(api.Relation.create(
        database=target.database, schema=schema, identifier=identifier, type='table'
    )) }}
{%- endmacro %}

{#- Where the history is stored now: its old home until `make upgrade` moves it. -#}
{% macro stored_history() -%}
    {%- set schema, old_name, new_name = moved_history_tables()[0] -%}
    {%- set old = relation_named(schema, old_name) -%}
    {{ return(old if stored_columns(old) else history_relation()) }}
{%- endmacro %}

{#- What an old warehouse still needs, in words: empty when it is up to date. -#}
{% macro old_layout_found() -%}
    {%- set found = [] -%}
    {%- for schema, old_name, new_name in moved_history_tables() -%}
        {%- if stored_columns(relation_named(schema, old_name)) -%}
            {%- do found.append(schema ~ '.' ~ old_name ~ ' (now ' ~ var('history_schema')
                ~ '.' ~ new_name ~ ')') -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set history = stored_history() -%}
    {%- set name = history.schema ~ '.' ~ history.identifier -%}
    {%- set columns = stored_columns(history) -%}
    {%- if 'was_clipped' in columns -%}
        {%- do found.append(name ~ '.was_clipped (now is_clipped)') -%}
    {%- endif -%}
    {%- if 'tags' in columns -%}
        {%- do found.append(name ~ ' as the wide history (now lean)') -%}
    {%- endif -%}
    {{ return(found) }}
{%- endmacro %}

{#- on-run-start: a build of an old warehouse stops before it touches anything. -#}
{% macro refuse_an_old_warehouse() -%}
    {%- if execute and flags.WHICH in ('build', 'run', 'test', 'seed', 'snapshot') -%}
        {%- set found = old_layout_found() -%}
        {%- if found -%}
            {{ exceptions.raise_compiler_error(
                'this warehouse was built by older code: run `make upgrade` first (it moves '
                ~ 'or reshapes in place, keeping every snapshot: ' ~ found | join('; ') ~ ')'
            ) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{% macro upgrade_warehouse() -%}
    {%- set found = old_layout_found() -%}
    {%- if not found -%}
        {{ log('make upgrade: the warehouse is up to date; nothing to do', info=true) }}
        {{ return('') }}
    {%- endif -%}
    {%- for step in found -%}
        {{ log('make upgrade: ' ~ step, info=true) }}
    {%- endfor -%}
    {%- do move_history_tables() -%}
    {%- set history = history_relation() -%}
    {%- if 'was_clipped' in stored_columns(history) -%}
        {%- do run_query('alter table ' ~ history ~ ' rename column was_clipped to is_clipped') -%}
        {%- do run_query('commit; begin;') -%}
    {%- endif -%}
    {%- if 'tags' in stored_columns(history) -%}
        {%- do run_query(narrow_wide_history(history)) -%}
    {%- endif -%}
    {%- set statements = add_history_columns() -%}
    {%- if statements | trim -%}
        {%- do run_query(statements) -%}
    {%- endif -%}
    {{ log('make upgrade: done; `make build` takes it from here', info=true) }}
{%- endmacro %}

{#-
    Each table is created from its own definition (duckdb_tables().sql: the contract's not-null
    constraints stay) under its new name, filled, and the old one dropped. DuckDB cannot move a
    table between schemas with ALTER TABLE.
-#}
{% macro move_history_tables() -%}
    {%- for schema, old_name, new_name in moved_history_tables() -%}
        {%- set old = relation_named(schema, old_name) -%}
        {%- if stored_columns(old) -%}
            {%- set new = relation_named(var('history_schema'), new_name) -%}
            {%- if stored_columns(new) -%}
                {{ exceptions.raise_compiler_error(
                    'make upgrade: both ' ~ old ~ ' and ' ~ new ~ ' exist; which one holds the '
                    ~ 'history is for you to decide: drop the other, then run it again'
                ) }}
            {%- endif -%}
            {%- set definition = run_query(
                "select sql from duckdb_tables() where database_name = current_database() "
                ~ "and schema_name = '" ~ schema ~ "' and table_name = '" ~ old_name ~ "'"
            ).columns[0].values()[0] -%}
            {%- set created = definition.replace(
                'CREATE TABLE ' ~ schema ~ '.' ~ old_name ~ '(',
                'CREATE TABLE ' ~ var('history_schema') ~ '.' ~ new_name ~ '(', 1
            ) -%}
            {%- if created == definition -%}
                {{ exceptions.raise_compiler_error(
                    'make upgrade: cannot read the definition of ' ~ old ~ ': ' ~ definition
                ) }}
            {%- endif -%}
            {%- do run_query(
                'create schema if not exists ' ~ var('history_schema') ~ '; '
                ~ created ~ ' insert into ' ~ new ~ ' select * from ' ~ old ~ '; '
                ~ 'drop table ' ~ old ~ '; commit; begin;'
            ) -%}
            {%- do adapter.cache_added(new) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endmacro %}

{% macro narrow_wide_history(history) -%}
    {%- set versions = relation_named(var('history_schema'), 'model_attribute_versions') -%}
    {%- if not stored_columns(versions) %}
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
{%- endmacro %}

{#- The columns the tables that read history gained or lost since the wide history. -#}
{% macro add_history_columns() -%}
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
{%- endmacro %}
