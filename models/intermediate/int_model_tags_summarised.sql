with

tags as (

    select * from {{ ref('int_model_tags_classified') }}

),

-- A fine-tune lists its base twice (`base_model:x` and `base_model:finetune:x`); the entry
-- that names a relation is the more informative one.
final as (

    select
        model_id,
        first(tag_value order by tag_position) filter (where tag_type = 'license') as license,
        first(tag_value order by base_model_relation is null, tag_position)
            filter (where tag_type = 'base_model') as base_model,
        first(base_model_relation order by base_model_relation is null, tag_position)
            filter (where tag_type = 'base_model') as base_model_relation,
        coalesce(
            list(tag_value order by tag_position) filter (where tag_type = 'arxiv'),
            []::varchar[]
        ) as arxiv_ids,
        coalesce(
            list(tag_value order by tag_position) filter (where tag_type = 'language'),
            []::varchar[]
        ) as languages,
    from tags
    group by model_id

)

select * from final
