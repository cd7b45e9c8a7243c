-- Each model's attributes once per distinct value (attributes_hash): the history table keeps
-- only the hash per snapshot. Configured with the history folder (dbt_project.yml). Its first
-- build on a warehouse of older code also reads the wide history table's attributes, which the
-- history table then drops (macros/attribute_history.sql).
{{
    config(
        schema=var('history_schema'),
        meta={'reads_wide_history': true},
    )
}}

{%- set history = history_relation() %}
{%- set upgrading = not is_incremental() and history_is_wide() %}

with

observations as (

    select
        model_id,
        snapshot_id,
        attributes_hash,
        {{ attribute_columns() | join(',\n        ') }},
    from {{ ref('int_model_snapshots_batch') }}
    {%- if upgrading %}
    union all
    select
        model_id,
        snapshot_id,
        {{ attributes_hash() }} as attributes_hash,
        {{ attribute_columns() | join(',\n        ') }},
    from {{ history }}
    {%- endif %}

),

-- The keys alone, read apart: one CTE read twice is materialised whole.
observation_keys as (

    select model_id, snapshot_id, attributes_hash
    from {{ ref('int_model_snapshots_batch') }}
    {%- if upgrading %}
    union all
    select model_id, snapshot_id, {{ attributes_hash() }} as attributes_hash
    from {{ history }}
    {%- endif %}

),

{% if is_incremental() -%}
stored as (

    select model_id, attributes_hash from {{ this }}

),

{% endif -%}

-- One snapshot per version: grouping narrow keys spills where a distinct over wide rows (tag
-- lists) would hold them all in memory.
first_sightings as (

    select model_id, attributes_hash, min(snapshot_id) as snapshot_id
    from observation_keys
    group by model_id, attributes_hash

),

new_versions as (

    select first_sightings.* from first_sightings
    {%- if is_incremental() %}
    anti join stored
        on
            first_sightings.model_id = stored.model_id
            and first_sightings.attributes_hash = stored.attributes_hash
    {%- endif %}

),

final as (

    select observations.* exclude (snapshot_id)  -- noqa: RF02
    from observations
    semi join new_versions
        on
            observations.model_id = new_versions.model_id
            and observations.snapshot_id = new_versions.snapshot_id
            and observations.attributes_hash = new_versions.attributes_hash

)

select * from final
