namespace OnnxVideo.Training.Metrics;

/// <summary>Accumulates logits and true labels clip by clip, then computes a <see cref="ClassificationReport"/>.</summary>
internal sealed class ClassificationMetrics
{
    private readonly IReadOnlyList<string> _classes;
    private readonly int[][] _confusion;
    private int _count;
    private int _top1;
    private int _top5;
    private double _lossSum;

    public ClassificationMetrics(IReadOnlyList<string> classes)
    {
        if (classes.Count == 0)
        {
            throw new ArgumentException("needs at least one class", nameof(classes));
        }
        _classes = classes;
        _confusion = Enumerable.Range(0, classes.Count).Select(_ => new int[classes.Count]).ToArray();
    }

    public int Count => _count;

    /// <summary>Adds one clip: its logits (one per class) and its true label.</summary>
    public void Add(ReadOnlySpan<float> logits, int label)
    {
        if (logits.Length != _classes.Count)
        {
            throw new ArgumentException($"expected {_classes.Count} logits, got {logits.Length}", nameof(logits));
        }
        if ((uint)label >= (uint)_classes.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(label), label, "label outside the classes");
        }
        var predicted = ClassScores.ArgMax(logits);
        double max = logits[predicted];
        // Rank of the true class = how many classes score strictly higher (ties resolved in its favour only after lower indices).
        var rank = 0;
        for (var i = 0; i < logits.Length; i++)
        {
            if (logits[i] > logits[label] || (logits[i] == logits[label] && i < label))
            {
                rank++;
            }
        }
        _count++;
        _top1 += rank == 0 ? 1 : 0;
        _top5 += rank < 5 ? 1 : 0;
        _confusion[label][predicted]++;
        double sum = 0;
        for (var i = 0; i < logits.Length; i++)
        {
            sum += Math.Exp(logits[i] - max);
        }
        _lossSum += Math.Log(sum) + max - logits[label];
    }

    /// <summary>Adds a batch: <paramref name="logits"/> holds labels.Length rows of class scores.</summary>
    public void AddBatch(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels)
    {
        var classes = _classes.Count;
        for (var i = 0; i < labels.Length; i++)
        {
            Add(logits.Slice(i * classes, classes), labels[i]);
        }
    }

    public ClassificationReport Compute()
    {
        var k = _classes.Count;
        var perClass = new List<ClassMetrics>(k);
        var recalls = new List<double>();
        for (var c = 0; c < k; c++)
        {
            var truePositive = _confusion[c][c];
            var support = _confusion[c].Sum();
            var predictedCount = 0;
            for (var r = 0; r < k; r++)
            {
                predictedCount += _confusion[r][c];
            }
            var precision = predictedCount == 0 ? 0 : (double)truePositive / predictedCount;
            var recall = support == 0 ? 0 : (double)truePositive / support;
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perClass.Add(new ClassMetrics(_classes[c], precision, recall, f1, support));
            if (support > 0)
            {
                recalls.Add(recall);
            }
        }
        return new ClassificationReport
        {
            Count = _count,
            Top1 = _count == 0 ? 0 : (double)_top1 / _count,
            Top5 = _count == 0 ? 0 : (double)_top5 / _count,
            MeanClassAccuracy = recalls.Count == 0 ? 0 : recalls.Average(),
            Loss = _count == 0 ? double.NaN : _lossSum / _count,
            PerClass = perClass,
            Confusion = _confusion.Select(row => (int[])row.Clone()).ToArray(),
        };
    }
}
