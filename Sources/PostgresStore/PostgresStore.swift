import Domain
import PostgresNIO
import Store
