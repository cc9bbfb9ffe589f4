namespace OnnxVideo.Training.FewShot;

/// <summary>One prototype per class from labelled support features, and nearest-prototype logits.</summary>
public sealed class PrototypeSet
{
    private PrototypeSet(float[][] prototypes, FewShotMetric metric, float scale)
    {
        Prototypes = prototypes;
        Metric = metric;
        Scale = scale;
    }

    /// <summary>Class c's prototype: for <see cref="FewShotMetric.Cosine"/> the L2-normalised mean of the L2-normalised features, else their mean.</summary>
    public float[][] Prototypes { get; }
    public FewShotMetric Metric { get; }
    /// <summary>The cosine classifier's temperature (logits = scale · cos).</summary>
    public float Scale { get; }
    public int ClassCount => Prototypes.Length;

    /// <summary>Builds the prototypes of <paramref name="classCount"/> classes; every class needs at least one feature vector.</summary>
    public static PrototypeSet Build(IReadOnlyList<float[]> features, IReadOnlyList<int> labels, int classCount, FewShotMetric metric, float scale = 10f)
    {
        if (features.Count != labels.Count || features.Count == 0)
        {
            throw new ArgumentException("needs one label per feature vector, and at least one");
        }
        var dim = features[0].Length;
        var sums = Enumerable.Range(0, classCount).Select(_ => new double[dim]).ToArray();
        var counts = new int[classCount];
        for (var i = 0; i < features.Count; i++)
        {
            var f = metric == FewShotMetric.Cosine ? Normalised(features[i]) : features[i];
            for (var d = 0; d < dim; d++)
            {
                sums[labels[i]][d] += f[d];
            }
            counts[labels[i]]++;
        }
        if (Array.IndexOf(counts, 0) is var empty and >= 0)
        {
            throw new ArgumentException($"class {empty} has no support features");
        }
        var prototypes = new float[classCount][];
        for (var c = 0; c < classCount; c++)
        {
            var mean = sums[c].Select(v => (float)(v / counts[c])).ToArray();
            prototypes[c] = metric == FewShotMetric.Cosine ? Normalised(mean) : mean;
        }
        return new PrototypeSet(prototypes, metric, scale);
    }

    /// <summary>The logits of one feature vector: scale · cos for cosine, −squared distance for euclidean.</summary>
    public float[] Logits(float[] feature)
    {
        var logits = new float[ClassCount];
        var f = Metric == FewShotMetric.Cosine ? Normalised(feature) : feature;
        for (var c = 0; c < ClassCount; c++)
        {
            var p = Prototypes[c];
            double value = 0;
            for (var d = 0; d < f.Length; d++)
            {
                value += Metric == FewShotMetric.Cosine ? f[d] * p[d] : (f[d] - p[d]) * (double)(f[d] - p[d]);
            }
            logits[c] = Metric == FewShotMetric.Cosine ? (float)(Scale * value) : (float)-value;
        }
        return logits;
    }

    /// <summary>The index of the highest logit.</summary>
    public int Predict(float[] feature)
    {
        var logits = Logits(feature);
        var best = 0;
        for (var c = 1; c < logits.Length; c++)
        {
            if (logits[c] > logits[best]) best = c;
        }
        return best;
    }

    internal static float[] Normalised(float[] v)
    {
        double norm = 0;
        foreach (var x in v)
        {
            norm += x * (double)x;
        }
        var scale = (float)(1 / Math.Max(Math.Sqrt(norm), PrototypeModel.NormEpsilon));
        return v.Select(x => x * scale).ToArray();
    }
}
