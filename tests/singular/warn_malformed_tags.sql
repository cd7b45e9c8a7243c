-- Models whose `tags` is not a list: they get no tag-derived attributes.
{{ config(severity='warn') }}

with

models as (

    -- The parsed observations (staging's columns, one row per model and snapshot): a test on
    -- the staging view would parse every raw payload of every snapshot again.
    select * from {{ ref('int_model_snapshots_clipped') }}

),

final as (

    select model_id, snapshot_id from models
    where has_malformed_tags

)

select * from final
