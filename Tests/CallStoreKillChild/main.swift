// The child process of CallStoreTests' kill -9 durability test: not a test itself.
//
//     CallStoreKillChild SOURCE.sqlite TARGET.sqlite FILE-PATH SHA256 HALFWAY
//
// Imports every call of the SOURCE store into TARGET as the file FILE-PATH (SHA256), and after
// the HALFWAY-th call, inside the import's transaction, creates TARGET.halfway and sleeps until
// it is killed. Exits 2 on bad arguments and 1 if it gets past the sleep.
import CallStore
import Foundation

let arguments = CommandLine.arguments
guard arguments.count == 6, let halfway = Int(arguments[5]) else {
    FileHandle.standardError.write(Data("usage: CallStoreKillChild SOURCE TARGET FILE-PATH SHA256 HALFWAY\n".utf8))
    exit(2)
}
let target = arguments[2]
do {
    let calls = try CallDatabase(path: arguments[1]).allCalls()
    let database = try CallDatabase(path: target)
    let file = FileIdentity(path: arguments[3], size: 0, sha256: arguments[4])
    _ = try database.importFile(file, calls: calls, rows: calls.count, badRows: 0) { index in
        guard index == halfway else { return }
        _ = FileManager.default.createFile(atPath: target + ".halfway", contents: nil)
        sleep(600)
    }
} catch {
    FileHandle.standardError.write(Data("CallStoreKillChild: \(error)\n".utf8))
}
exit(1)
