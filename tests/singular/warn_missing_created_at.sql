-- Models served without createdAt: the seed's dropna would have dropped them.
{{ config(severity='warn') }}

with

models as (

    -- The parsed observations (staging's columns, one row per model and snapshot): a test on
    -- the staging view would parse every raw payload of every snapshot again.
    select * from {{ ref('int_model_snapshots_clipped') }}

),

final as (

    select model_id, snapshot_id from models
    where created_at_text is null

)

select * from final
