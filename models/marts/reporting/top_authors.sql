-- The authors with the most models, downloads, or derivatives of their models: any author in the
-- top `lineage_top_n` on one of the three. Ties are broken by name so ranks are stable.
with

authors as (

    select * from {{ ref('authors') }}

),

ranked as (

    select
        *,
        row_number() over (order by model_count desc, author asc) as models_rank,
        row_number() over (order by total_downloads desc, author asc) as downloads_rank,
        row_number() over (order by derivatives_of_their_models desc, author asc)
            as derivatives_rank,
    from authors

),

final as (

    select
        author,
        model_count,
        total_downloads,
        total_likes,
        derivative_model_count,
        derivatives_of_their_models,
        derivatives_by_others,
        models_rank,
        downloads_rank,
        derivatives_rank,
    from ranked
    where least(models_rank, downloads_rank, derivatives_rank) <= {{ var('lineage_top_n') }}

)

select * from final
