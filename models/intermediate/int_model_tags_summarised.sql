-- A table: `models` joins it and its tests group it, each of which would redo the aggregation.
{{ config(materialized='table') }}

with

tags as (

    select * from {{ ref('int_model_tags_classified') }}

),

-- A fine-tune lists its base twice (`base_model:x` and `base_model:finetune:x`); the entry
-- that names a relation is the more informative one. Ordered aggregates sort within every
-- model's group and took 5 s at 1M models; arg_min_null keeps the value at the smallest key (a
-- null value included, as `first(... order by key)` does), and sorting each model's short list
-- of (position, value) afterwards gives `list(... order by position)`: 1.5 s together.
final as (

    select
        model_id,
        arg_min_null(tag_value, tag_position) filter (where tag_type = 'license') as license,
        arg_min_null(tag_value, (base_model_relation is null, tag_position))
            filter (where tag_type = 'base_model') as base_model,
        arg_min_null(base_model_relation, (base_model_relation is null, tag_position))
            filter (where tag_type = 'base_model') as base_model_relation,
        coalesce(
            list_transform(
                list_sort(list({ 'position': tag_position, 'value': tag_value })
                    filter (where tag_type = 'arxiv')),
                entry -> entry.value
            ),
            []::varchar[]
        ) as arxiv_ids,
        coalesce(
            list_transform(
                list_sort(list({ 'position': tag_position, 'value': tag_value })
                    filter (where tag_type = 'language')),
                entry -> entry.value
            ),
            []::varchar[]
        ) as languages,
    from tags
    group by model_id

)

select * from final
