-- A view read twice, by the model_tags mart (which stores it) and int_model_tags_summarised:
-- as a table its 10M rows (at 1M models) would be written twice, and writing 10M rows costs
-- more than classifying them again. Its tests read model_tags. Summarising the stored
-- model_tags inside the models mart instead was faster at 1M but ran out of memory at 2M.
with

models as (

    select
        model_id,
        category,
        library_name,
        tags,
    from {{ ref('int_models_deduplicated') }}
    where tags is not null

),

languages as (

    select * from {{ ref('languages') }}

),

library_tags as (

    select * from {{ ref('library_tags') }}

),

-- Every pipeline tag the taxonomy lists or a model carries; categories is the one model that
-- reads the pipeline_tags seed.
pipeline_tags as (

    select category as pipeline_tag from {{ ref('categories') }}

),

unnested as (

    select
        model_id,
        category,
        library_name,
        tags,
        unnest(tags) as tag,
        generate_subscripts(tags, 1) as tag_position,
    from models

),

-- A tag listed twice is kept at its first position: list_position finds the first occurrence
-- within the row, where a window over (model_id, tag) had to sort every tag of every model.
first_listed as (

    select * exclude (tags) from unnested
    where tag is not null and tag <> '' and list_position(tags, tag) = tag_position

),

-- `license:mit`, `base_model:finetune:org/name`: the Hub's tags are `prefix:value`, and a
-- base model's prefix may carry its relation as a second part.
split as (

    select
        *,
        case when contains(tag, ':') then split_part(tag, ':', 1) end as tag_prefix,
        case when contains(tag, ':') then tag[strpos(tag, ':') + 1:] end as prefixed_value,
    from first_listed

),

base_model_split as (

    select
        *,
        case
            when tag_prefix = 'base_model'
                and split_part(prefixed_value, ':', 1) in (
                    'finetune', 'quantized', 'adapter', 'merge'
                )
                and contains(prefixed_value, ':')
                then split_part(prefixed_value, ':', 1)
        end as base_model_relation,
    from split

),

classified as (

    select
        base_model_split.model_id,
        base_model_split.tag,
        base_model_split.tag_position,
        case
            when base_model_split.tag_prefix in (
                'license', 'arxiv', 'dataset', 'region', 'doi', 'base_model'
            )
                then base_model_split.tag_prefix
            when base_model_split.tag_prefix is not null then 'other'
            when languages.language_code is not null then 'language'
            when library_tags.tag_type is not null then library_tags.tag_type
            when base_model_split.tag = base_model_split.library_name then 'library'
            when pipeline_tags.pipeline_tag is not null
                or base_model_split.tag = base_model_split.category
                then 'pipeline'
            else 'other'
        end as tag_type,
        case
            when base_model_split.base_model_relation is not null
                then base_model_split.prefixed_value[
                    strpos(base_model_split.prefixed_value, ':') + 1:
                ]
            when base_model_split.tag_prefix
                in ('license', 'arxiv', 'dataset', 'region', 'doi', 'base_model')
                then base_model_split.prefixed_value
            else base_model_split.tag
        end as tag_value,
        base_model_split.base_model_relation,
    from base_model_split
    left join languages on base_model_split.tag = languages.language_code
    left join library_tags on base_model_split.tag = library_tags.tag
    left join pipeline_tags on base_model_split.tag = pipeline_tags.pipeline_tag

),

final as (

    select * from classified

)

select * from final
