-- Models whose createdAt is present but not an ISO 8601 date-time: they get no release year.
{{ config(severity='warn') }}

with

models as (

    -- The parsed observations (staging's columns, one row per model and snapshot): a test on
    -- the staging view would parse every raw payload of every snapshot again.
    select * from {{ ref('int_model_snapshots_clipped') }}

),

final as (

    select model_id, snapshot_id, created_at_text from models
    where created_at_text is not null and created_at is null

)

select * from final
