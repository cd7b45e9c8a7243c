with

models as (

    select * from {{ ref('models') }}

),

{{ popularity_by('license') }}

select * from final
