with

release_trends as (

    select * from {{ ref('release_trends') }}

),

-- Over the few hundred month-and-modality rows, not the models again.
per_month as (

    select
        release_month,
        sum(model_count)::bigint as model_count,
    from release_trends
    group by release_month

),

-- month_rank 1 is the month with the most releases; a tie goes to the earlier month.
final as (

    select
        release_month,
        model_count,
        (model_count / sum(model_count) over ())::double as share_of_dated_models,
        row_number() over (order by model_count desc, release_month asc) as month_rank,
    from per_month

)

select * from final
