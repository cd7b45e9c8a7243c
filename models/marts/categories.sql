with

categories as (

    select * from {{ ref('int_categories_mapped') }}

),

final as (

    select * from categories

)

select * from final
