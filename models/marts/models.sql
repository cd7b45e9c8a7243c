with

models as (

    select * from {{ ref('int_models_deduplicated') }}

),

pipeline_tags as (

    select * from {{ ref('pipeline_tags') }}

),

modalities as (

    select * from {{ ref('modalities') }}

),

model_tags as (

    select * from {{ ref('model_tags') }}

),

-- Read from the stored model_tags, not its view: classifying 10M tags once more here cost more
-- than the whole aggregation, and grew faster than the number of models (a spilling join).
-- A fine-tune lists its base twice (`base_model:x` and `base_model:finetune:x`); the entry
-- that names a relation is the more informative one. arg_min_null keeps the value at the
-- smallest key (a null value included, as `first(... order by key)` does), and sorting each
-- model's short list of (position, value) gives `list(... order by position)`: ordered
-- aggregates sort within every model's group and took three times as long.
tag_attributes as (

    select
        model_id,
        arg_min_null(tag_value, tag_position) filter (where tag_type = 'license') as license,
        arg_min_null(tag_value, (base_model_relation is null, tag_position))
            filter (where tag_type = 'base_model') as base_model,
        arg_min_null(base_model_relation, (base_model_relation is null, tag_position))
            filter (where tag_type = 'base_model') as base_model_relation,
        list_transform(
            list_sort(list({ 'position': tag_position, 'value': tag_value })
                filter (where tag_type = 'arxiv')),
            entry -> entry.value
        ) as arxiv_ids,
        list_transform(
            list_sort(list({ 'position': tag_position, 'value': tag_value })
                filter (where tag_type = 'language')),
            entry -> entry.value
        ) as languages,
    from model_tags
    where tag_type in ('license', 'base_model', 'arxiv', 'language')
    group by model_id

),

-- A category the taxonomy does not know yet is "unknown", never dropped; a warn-level test on
-- the seed's relationship says which tags to add.
with_modality as (

    select
        models.*,
        case
            when models.category is null then null
            else coalesce(pipeline_tags.modality, 'unknown')
        end as modality,
    from models
    left join pipeline_tags on models.category = pipeline_tags.pipeline_tag

),

final as (

    select
        with_modality.model_id,
        with_modality.author,
        with_modality.category,
        with_modality.modality,
        modalities.research_group,
        with_modality.library_name,
        tag_attributes.license,
        tag_attributes.base_model,
        tag_attributes.base_model_relation,
        coalesce(tag_attributes.arxiv_ids, []::varchar[]) as arxiv_ids,
        coalesce(tag_attributes.languages, []::varchar[]) as languages,
        with_modality.created_at,
        case
            when not with_modality.is_created_at_placeholder then with_modality.release_year
        end as release_year,
        coalesce(with_modality.is_created_at_placeholder, false) as is_created_at_placeholder,
        with_modality.downloads,
        with_modality.likes,
        with_modality.trending_score,
        with_modality.is_private,
        with_modality.tags,
        with_modality.first_seen_at,
        with_modality.last_seen_at,
        with_modality.snapshot_count,
        with_modality.snapshot_id as last_snapshot_id,
    from with_modality
    left join modalities on with_modality.modality = modalities.modality
    left join tag_attributes on with_modality.model_id = tag_attributes.model_id

)

select * from final
