with

models as (

    select * from {{ ref('models') }}

),

bucketed as (

    select
        release_year,
        case
            when is_created_at_placeholder then 'imported before 2022-03 (placeholder date)'
            when created_at is null then 'unknown'
            else release_year::varchar
        end as release_year_bucket,
        is_created_at_placeholder,
    from models

),

per_bucket as (

    select
        release_year_bucket,
        any_value(release_year) as release_year,
        bool_or(is_created_at_placeholder) as is_placeholder_bucket,
        count(*) as model_count,
        (count(*) / sum(count(*)) over ())::double as share_of_models,
    from bucketed
    group by release_year_bucket

),

-- Each real year against the one before it in the data (the placeholder and undated buckets
-- have no year): the release-growth check of the report.
final as (

    select
        *,
        case
            when release_year is not null
                then (
                    model_count / lag(model_count) over (
                        partition by release_year is null order by release_year
                    )
                )::double
        end as ratio_to_previous_year,
    from per_bucket

)

select * from final
