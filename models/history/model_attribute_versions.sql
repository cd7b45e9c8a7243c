-- Each model's attributes once per distinct value (attributes_hash): the history table keeps
-- only the hash per snapshot. Configured with the history folder (dbt_project.yml). On a
-- warehouse of older code, `make upgrade` copies the versions of its wide history table here
-- (macros/upgrade_warehouse.sql).
{{ config(schema=var('history_schema')) }}

with

observations as (

    select
        model_id,
        snapshot_id,
        attributes_hash,
        {{ attribute_columns() | join(',\n        ') }},
    from {{ ref('int_model_snapshots_batch') }}

),

-- The keys alone, read apart: one CTE read twice is materialised whole.
observation_keys as (

    select model_id, snapshot_id, attributes_hash
    from {{ ref('int_model_snapshots_batch') }}

),

{% if is_incremental() -%}
stored as (  -- noqa: ST03

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
