{"close_reason":"finished","tags":["\ud800"]}
