-- Models created per month by how they derive (each derivation of the seed `derivations`): the
-- share of new models that build on another. Every month between the first and the last has a
-- row per derivation (0 where none), so a chart reads it as it is.
with

models as (

    select model_id, created_at, is_created_at_placeholder from {{ ref('models') }}

),

families as (

    select model_id, derivation from {{ ref('model_families') }}

),

derivations as (

    select derivation, display_order from {{ ref('derivations') }}

),

-- The placeholder date is the Hub's import, not a creation: those models are left out.
released as (

    select
        date_trunc('month', models.created_at)::date as release_month,
        families.derivation,
    from models
    inner join families on models.model_id = families.model_id
    where models.created_at is not null and not models.is_created_at_placeholder

),

counted as (

    select
        release_month,
        derivation,
        count(*) as model_count,
    from released
    group by release_month, derivation

),

months as (

    select unnest(
        generate_series(min(release_month), max(release_month), interval 1 month)
    )::date as release_month
    from counted

),

grid as (

    select
        months.release_month,
        derivations.derivation,
        derivations.display_order,
        coalesce(counted.model_count, 0) as model_count,
    from months
    cross join derivations
    left join counted
        on
            months.release_month = counted.release_month
            and derivations.derivation = counted.derivation

),

month_totals as (

    select
        *,
        (sum(model_count) over (partition by release_month))::bigint as month_model_count,
        sum(model_count) filter (where derivation <> 'original')
            over (partition by release_month)
            as month_derivative_count,
    from grid

),

final as (

    select
        release_month,
        derivation,
        display_order,
        model_count,
        month_model_count,
        (model_count / nullif(month_model_count, 0))::double as share_of_month,
        (month_derivative_count / nullif(month_model_count, 0))::double
            as derivative_share_of_month,
        -- 1 for the month with the most models (a tie goes to the later month).
        dense_rank() over (order by month_model_count desc, release_month desc) as month_rank,
    from month_totals

)

select * from final
