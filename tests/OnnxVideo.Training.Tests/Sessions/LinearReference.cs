namespace OnnxVideo.Training.Tests.Sessions;

/// <summary>The linear package's step in plain double arithmetic: the independent reference for session tests.</summary>
internal sealed class LinearReference(int features, int classes, double[] scale, double[] w, double[] b)
{
    public double[] W = w;
    public double[] B = b;
    public double[] MW = new double[features * classes];
    public double[] MB = new double[classes];

    public (double Loss, double[] Logits, double[] dW, double[] dB) Gradients(float[] video, int[] labels)
    {
        var n = labels.Length;
        var logits = new double[n * classes];
        var dW = new double[features * classes];
        var dB = new double[classes];
        double loss = 0;
        for (var i = 0; i < n; i++)
        {
            var x = new double[features];
            for (var f = 0; f < features; f++)
            {
                x[f] = video[i * features + f] * scale[f];
            }
            var z = new double[classes];
            for (var k = 0; k < classes; k++)
            {
                z[k] = B[k];
                for (var f = 0; f < features; f++)
                {
                    z[k] += x[f] * W[f * classes + k];
                }
                logits[i * classes + k] = z[k];
            }
            var max = z.Max();
            var sum = z.Sum(v => Math.Exp(v - max));
            loss += Math.Log(sum) + max - z[labels[i]];
            for (var k = 0; k < classes; k++)
            {
                var delta = (Math.Exp(z[k] - max) / sum - (k == labels[i] ? 1 : 0)) / n;
                dB[k] += delta;
                for (var f = 0; f < features; f++)
                {
                    dW[f * classes + k] += x[f] * delta;
                }
            }
        }
        return (loss / n, logits, dW, dB);
    }

    /// <summary>Applies an SGD-with-momentum step with clipping; returns the gradient norm.</summary>
    public double Apply(double[] dW, double[] dB, double lr, double clip)
    {
        var norm = Math.Sqrt(dW.Sum(v => v * v) + dB.Sum(v => v * v));
        var coefficient = clip > 0 ? Math.Min(1, clip / (norm + 1e-6)) : 1;
        for (var i = 0; i < W.Length; i++)
        {
            MW[i] = LinearTrainingPackage.Momentum * MW[i] + dW[i] * coefficient;
            W[i] -= lr * MW[i];
        }
        for (var i = 0; i < B.Length; i++)
        {
            MB[i] = LinearTrainingPackage.Momentum * MB[i] + dB[i] * coefficient;
            B[i] -= lr * MB[i];
        }
        return norm;
    }
}
