with

models as (

    select * from {{ ref('models') }}

),

-- Ranks over every model; ties go to the model first by id so a rank is never shared.
ranked as (

    select
        model_id,
        author,
        category,
        modality,
        license,
        library_name,
        downloads,
        likes,
        trending_score,
        row_number() over (order by downloads desc nulls last, model_id asc) as downloads_rank,
        row_number() over (order by likes desc nulls last, model_id asc) as likes_rank,
        row_number() over (order by trending_score desc nulls last, model_id asc)
            as trending_score_rank,
    from models

),

-- The report's tables show a model's top rows only; 100 per measure keeps this small on the
-- whole Hub (2M models) and still sorts either way in the report.
final as (

    select * from ranked
    where downloads_rank <= 100 or likes_rank <= 100 or trending_score_rank <= 100

)

select * from final
