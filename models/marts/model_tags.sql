-- A view: the classified tags (19M rows at 1M models) are stored once, in
-- int_model_tags_classified.
{{ config(materialized='view') }}

with

tags as (

    select * from {{ ref('int_model_tags_classified') }}

),

final as (

    select
        model_id,
        tag,
        tag_type,
        tag_value,
        base_model_relation,
        tag_position,
    from tags

)

select * from final
