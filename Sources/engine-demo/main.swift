print("engine demo: placeholder")
