match command:
    case [x]:
        pass
type Alias = int
