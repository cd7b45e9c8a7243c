-- Models served without createdAt: the seed's dropna would have dropped them.
{{ config(severity='warn') }}

with

models as (

    -- Each model's newest observation: the history keeps attributes once per version, and a
    -- test over every snapshot would grow with history (or parse every raw payload again).
    select * from {{ ref('int_models_deduplicated') }}

),

final as (

    select model_id, snapshot_id from models
    where created_at_text is null

)

select * from final
