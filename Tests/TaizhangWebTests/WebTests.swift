import Testing
import HummingbirdTesting
@testable import TaizhangWeb
