{"title": "Item 4", "url": "http://127.0.0.1:45669/item/4"}
{"title": "Item 5", "url": "http://127.0.0.1:45669/item/5"}
{"title": "Item 3", "url": "http://127.0.0.1:45669/item/3"}
{"title": "Item 2", "url": "http://127.0.0.1:45669/item/2"}
{"title": "Item 1", "url": "http://127.0.0.1:45669/item/1"}
