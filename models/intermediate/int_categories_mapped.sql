-- Every pipeline tag the taxonomy lists or a model carries, with its modality: the `categories`
-- mart, here so that the tag classification (int_model_tags_classified) reads no mart. A table
-- of a few dozen rows, so its readers do not each scan the models for their categories.
{{ config(materialized='table') }}

with

pipeline_tags as (

    select * from {{ ref('pipeline_tags') }}

),

modalities as (

    select * from {{ ref('modalities') }}

),

models as (

    select * from {{ ref('int_models_deduplicated') }}

),

-- One value per model, a few dozen distinct: a hash aggregate, cheap at millions of models.
observed as (

    select distinct category from models
    where category is not null

),

-- A pipeline tag the Hub added after the seed was written still gets a row, as `unknown`, so no
-- mart loses its models in a join; the warn-level `not_unknown` test says which tags to add.
unlisted as (

    select observed.category from observed
    anti join pipeline_tags on observed.category = pipeline_tags.pipeline_tag

),

listed_and_unlisted as (

    select
        pipeline_tag as category,
        modality,
        is_retired,
        true as is_in_taxonomy,
    from pipeline_tags
    union all
    select
        category,
        'unknown' as modality,
        false as is_retired,
        false as is_in_taxonomy,
    from unlisted

),

final as (

    select
        listed_and_unlisted.category,
        listed_and_unlisted.modality,
        modalities.modality_label,
        modalities.research_group,
        modalities.display_order as modality_display_order,
        row_number() over (
            order by modalities.display_order, listed_and_unlisted.category
        ) as display_order,
        listed_and_unlisted.is_retired,
        listed_and_unlisted.is_in_taxonomy,
    from listed_and_unlisted
    left join modalities on listed_and_unlisted.modality = modalities.modality

)

select * from final
