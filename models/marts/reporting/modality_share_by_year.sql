with

models as (

    select * from {{ ref('models') }}

),

modality_legend as (

    select * from {{ ref('modality_legend') }}

),

-- Placeholder-dated models have no release_year, so they drop out here by construction.
per_year_and_modality as (

    select
        release_year,
        modality,
        count(*) as model_count,
    from models
    where release_year is not null and modality is not null
    group by release_year, modality

),

years as (

    select distinct release_year from per_year_and_modality

),

modalities as (

    select distinct modality from per_year_and_modality

),

-- Every year has a row for every modality seen in any year, with 0 where it had no models, so a
-- modality's series has no gaps.
grid as (

    select
        years.release_year,
        modalities.modality,
        coalesce(per_year_and_modality.model_count, 0) as model_count,
    from years
    cross join modalities
    left join per_year_and_modality
        on
            years.release_year = per_year_and_modality.release_year
            and modalities.modality = per_year_and_modality.modality

),

shares as (

    select
        *,
        sum(model_count) over (partition by release_year) as year_model_count,
    from grid

),

-- share_rank 1 is the modality's peak year (a tie goes to the earliest year); year_rank 1 marks
-- the year's largest modality, every one of them on a tie.
final as (

    select
        shares.release_year,
        shares.modality,
        modality_legend.modality_label,
        shares.model_count,
        shares.year_model_count::bigint as year_model_count,
        (shares.model_count / shares.year_model_count)::double as share_of_year,
        row_number() over (
            partition by shares.modality
            order by shares.model_count / shares.year_model_count desc, shares.release_year asc
        ) as share_rank,
        rank() over (
            partition by shares.release_year order by shares.model_count desc
        ) as year_rank,
    from shares
    left join modality_legend on shares.modality = modality_legend.modality

)

select * from final
