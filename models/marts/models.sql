with

models as (

    select * from {{ ref('int_model_tags_summarised') }}

),

categories as (

    select * from {{ ref('categories') }}

),

-- Every category has a row in categories (`unknown` for one the taxonomy lacks); a model
-- without a category has no modality and no research group.
with_modality as (

    select
        models.*,
        categories.modality,
        categories.research_group,
    from models
    left join categories on models.category = categories.category

),

final as (

    select
        with_modality.model_id,
        with_modality.author,
        with_modality.category,
        with_modality.modality,
        with_modality.research_group,
        with_modality.library_name,
        with_modality.license,
        with_modality.base_model,
        with_modality.base_model_relation,
        coalesce(with_modality.arxiv_ids, []::varchar[]) as arxiv_ids,
        coalesce(with_modality.languages, []::varchar[]) as languages,
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

)

select * from final
