-- Models whose `tags` is not a list: they get no tag-derived attributes.
{{ config(severity='warn') }}

with

models as (

    select * from {{ ref('stg_hf__models') }}

),

final as (

    select model_id, snapshot_id from models
    where has_malformed_tags

)

select * from final
