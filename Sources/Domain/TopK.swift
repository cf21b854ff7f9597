/// Keeps the k highest scores seen, in a min-heap (top-k selection without sorting everything).
public struct TopK: Sendable {
    public let k: Int
    private var heap: [(index: Int, score: Float)] = []

    public init(k: Int) {
        self.k = k
        heap.reserveCapacity(k)
    }

    public mutating func insert(index: Int, score: Float) {
        if heap.count < k {
            heap.append((index, score))
            siftUp(heap.count - 1)
        } else if score > heap[0].score {
            heap[0] = (index, score)
            siftDown(0)
        }
    }

    /// Best first; ties by lower index.
    public func sorted() -> [(index: Int, score: Float)] {
        heap.sorted { $0.score != $1.score ? $0.score > $1.score : $0.index < $1.index }
    }

    private mutating func siftUp(_ i: Int) {
        var child = i
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].score < heap[parent].score else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ i: Int) {
        var parent = i
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count && heap[left].score < heap[smallest].score { smallest = left }
            if right < heap.count && heap[right].score < heap[smallest].score { smallest = right }
            guard smallest != parent else { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
