-- Models served without createdAt: the seed's dropna would have dropped them.
{{ config(severity='warn') }}

with

models as (

    select * from {{ ref('stg_hf__models') }}

),

final as (

    select model_id, snapshot_id from models
    where created_at_text is null

)

select * from final
