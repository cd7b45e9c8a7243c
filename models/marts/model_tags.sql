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
