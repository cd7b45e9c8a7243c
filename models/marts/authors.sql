-- One row per author (user or organisation: the Hub's list does not say which) that owns an
-- observed model or a model others name as their base. An author is the id's part before `/`
-- for bases the warehouse never observed; models without an author (`gpt2`) are left out.
with

models as (

    select model_id, author, downloads, likes from {{ ref('models') }}

),

families as (

    select model_id, derivation from {{ ref('model_families') }}

),

lineage as (

    select model_id, base_model_id from {{ ref('model_lineage') }}
    where not is_self_reference

),

authored as (

    select
        models.author,
        count(*) as model_count,
        coalesce(sum(models.downloads), 0)::bigint as total_downloads,
        coalesce(sum(models.likes), 0)::bigint as total_likes,
        count(*) filter (where families.derivation <> 'original') as derivative_model_count,
    from models
    inner join families on models.model_id = families.model_id
    where models.author is not null
    group by models.author

),

edges_by_author as (

    select
        lineage.model_id,
        case
            when contains(lineage.base_model_id, '/') then split_part(lineage.base_model_id, '/', 1)
        end as base_author,
        models.author as derivative_author,
    from lineage
    inner join models on lineage.model_id = models.model_id

),

-- A model that merges two of the author's models is one derivative of theirs, not two.
derived as (

    select
        base_author as author,
        count(distinct model_id) as derivatives_of_their_models,
        count(distinct model_id) filter (
            where derivative_author is distinct from base_author
        ) as derivatives_by_others,
    from edges_by_author
    where base_author is not null
    group by base_author

),

final as (

    select
        coalesce(authored.author, derived.author) as author,
        coalesce(authored.model_count, 0) as model_count,
        coalesce(authored.total_downloads, 0) as total_downloads,
        coalesce(authored.total_likes, 0) as total_likes,
        coalesce(authored.derivative_model_count, 0) as derivative_model_count,
        coalesce(derived.derivatives_of_their_models, 0) as derivatives_of_their_models,
        coalesce(derived.derivatives_by_others, 0) as derivatives_by_others,
    from authored
    full outer join derived on authored.author = derived.author

)

select * from final
