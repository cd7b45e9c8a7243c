-- Models whose createdAt is present but not an ISO 8601 date-time: they get no release year.
{{ config(severity='warn') }}

with

models as (

    select * from {{ ref('stg_hf__models') }}

),

final as (

    select model_id, snapshot_id, created_at_text from models
    where created_at_text is not null and created_at is null

)

select * from final
