-- Models whose createdAt is present but not an ISO 8601 date-time: they get no release year.
{{ config(severity='warn') }}

with

models as (

    -- Each model's newest observation: the history keeps attributes once per version, and a
    -- test over every snapshot would grow with history (or parse every raw payload again).
    select * from {{ ref('int_models_deduplicated') }}

),

final as (

    select model_id, snapshot_id, created_at_text from models
    where created_at_text is not null and created_at is null

)

select * from final
