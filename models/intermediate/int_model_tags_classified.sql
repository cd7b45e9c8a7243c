-- Stored once, here: the `model_tags` mart is a view of it (its tests run there), and the
-- lineage edges (int_lineage_edges) read it without reading a mart. Each distinct tag is
-- classified once and joined back to the 19M (model, tag) rows of a 1M-model snapshot: the
-- string work per row (splitting prefixes, probing three seeds) cost 6 CPU-s there, the
-- join under 1 s. Only the two rules that look at the model itself run per row.
{{ config(materialized='table') }}

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

-- The same table again for the distinct tags: one CTE read twice would be materialised whole.
tag_lists as (

    select tags from {{ ref('int_models_deduplicated') }}
    where tags is not null

),

languages as (

    select * from {{ ref('languages') }}

),

library_tags as (

    select * from {{ ref('library_tags') }}

),

-- Every pipeline tag the taxonomy lists or a model carries; int_categories_mapped is the one
-- model that reads the pipeline_tags seed.
pipeline_tags as (

    select category as pipeline_tag from {{ ref('int_categories_mapped') }}

),

relations as (

    select derivation as relation from {{ ref('derivations') }}
    where is_base_model_relation

),

-- Few models list a tag twice, and only theirs need the search below: on a list of 4,046 tags
-- (one model in the recorded 1,000 has them) that search is quadratic.
repeats_flagged as (

    select
        *,
        len(list_distinct(tags)) < len(tags) as has_repeated_tags,
    from models

),

unnested as (

    select
        model_id,
        category,
        library_name,
        tags,
        has_repeated_tags,
        unnest(tags) as tag,
        generate_subscripts(tags, 1) as tag_position,
    from repeats_flagged

),

-- A tag listed twice is kept at its first position: list_position finds the first occurrence
-- within the row, where a window over (model_id, tag) had to sort every tag of every model.
first_listed as (

    select * exclude (tags, has_repeated_tags) from unnested
    where
        tag is not null and tag <> ''
        and (not has_repeated_tags or list_position(tags, tag) = tag_position)

),

distinct_tags as (

    select distinct unnest(tags) as tag from tag_lists

),

-- `license:mit`, `base_model:finetune:org/name`: the Hub's tags are `prefix:value`, and a
-- base model's prefix may carry its relation as a second part.
split as (

    select
        tag,
        case when contains(tag, ':') then split_part(tag, ':', 1) end as tag_prefix,
        case when contains(tag, ':') then tag[strpos(tag, ':') + 1:] end as prefixed_value,
    from distinct_tags
    where tag is not null and tag <> ''

),

base_model_split as (

    select
        *,
        case
            when tag_prefix = 'base_model'
                and split_part(prefixed_value, ':', 1) in (select relations.relation from relations)
                and contains(prefixed_value, ':')
                then split_part(prefixed_value, ':', 1)
        end as base_model_relation,
    from split

),

-- What a tag is wherever it appears; null where that depends on the model (next CTE).
tag_types as (

    select
        base_model_split.tag,
        case
            when base_model_split.tag_prefix in (
                'license', 'arxiv', 'dataset', 'region', 'doi', 'base_model'
            )
                then base_model_split.tag_prefix
            when base_model_split.tag_prefix is not null then 'other'
            when languages.language_code is not null then 'language'
            when library_tags.tag_type is not null then library_tags.tag_type
        end as fixed_tag_type,
        pipeline_tags.pipeline_tag is not null as is_pipeline_tag,
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

-- A bare tag no seed knows is the model's library or pipeline when it names them.
classified as (

    select
        first_listed.model_id,
        first_listed.tag,
        first_listed.tag_position,
        coalesce(
            tag_types.fixed_tag_type,
            case
                when first_listed.tag = first_listed.library_name then 'library'
                when tag_types.is_pipeline_tag or first_listed.tag = first_listed.category
                    then 'pipeline'
                else 'other'
            end
        ) as tag_type,
        tag_types.tag_value,
        tag_types.base_model_relation,
    from first_listed
    inner join tag_types on first_listed.tag = tag_types.tag

),

final as (

    select * from classified

)

select * from final
