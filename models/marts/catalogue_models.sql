-- A view: the catalogue's rows are those of `models`, selected where they are read.
{{ config(materialized='view') }}

with

snapshots as (

    select * from {{ ref('snapshots') }}

),

models as (

    select * from {{ ref('models') }}

),

-- Only a full-catalogue newest snapshot is the Hub; a trending sample leaves this empty.
catalogue as (

    select snapshot_id, snapshot_at from snapshots
    where is_newest and is_full_catalogue

),

-- A model takes its values from its newest snapshot, so the catalogue's models are exactly those
-- whose newest snapshot it is; models gone from the Hub since an older snapshot drop out.
final as (

    select
        models.model_id,
        catalogue.snapshot_id,
        catalogue.snapshot_at,
        models.category,
        models.modality,
        models.created_at,
        models.is_created_at_placeholder,
        models.downloads,
        models.likes,
    from models
    inner join catalogue on models.last_snapshot_id = catalogue.snapshot_id

)

select * from final
