-- A view, so the history is stored once (in the lean history table and its attribute
-- versions); `make export` reads it to publish the history in the archives' column layout.
{{ config(materialized='view') }}

with

history as (

    select * from {{ ref('model_observation_history') }}

),

attribute_versions as (

    select * from {{ ref('model_attribute_versions') }}

),

final as (

    select
        history.model_id,
        history.snapshot_id,
        history.snapshot_at,
        attribute_versions.author,
        history.category,
        attribute_versions.library_name,
        attribute_versions.created_at_text,
        history.downloads,
        history.likes,
        history.trending_score,
        history.downloads_all_time,
        attribute_versions.is_private,
        attribute_versions.tags,
    from history
    inner join attribute_versions
        on
            history.model_id = attribute_versions.model_id
            and history.attributes_hash = attribute_versions.attributes_hash

)

select * from final
