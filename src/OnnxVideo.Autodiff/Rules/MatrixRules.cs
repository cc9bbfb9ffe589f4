using OnnxVideo.Onnx.Shapes;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Autodiff.Rules;

/// <summary>Gradients of Gemm and (batched, broadcasting, 1-D) MatMul.</summary>
internal static class MatrixRules
{
    /// <summary>Y = α·A'·B' + β·C with A' = transA ? Aᵀ : A, B' likewise; each gradient is itself one Gemm.</summary>
    public static string?[] Gemm(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        var (a, b, g) = (n.Input[0], n.Input[1], dy[0]!);
        float alpha = AttributeValues.Float(n, "alpha", 1f), beta = AttributeValues.Float(n, "beta", 1f);
        bool transA = AttributeValues.Int(n, "transA", 0) != 0, transB = AttributeValues.Int(n, "transB", 0) != 0;
        string? da = null, db = null, dc = null;
        if (c.NeedsGradient(0))
        {
            da = transA
                ? c.Op("Gemm", [b, g], Attrs(alpha, transB, true))
                : c.Op("Gemm", [g, b], Attrs(alpha, false, !transB));
        }
        if (c.NeedsGradient(1))
        {
            db = transB
                ? c.Op("Gemm", [g, a], Attrs(alpha, true, transA))
                : c.Op("Gemm", [a, g], Attrs(alpha, !transA, false));
        }
        if (c.NeedsGradient(2))
        {
            var scaled = beta == 1f ? g : c.Op("Mul", g, c.Scalar(beta, n.Output[0]));
            dc = c.ReduceToShape(scaled, c.OutputShape(), n.Input[2]);
        }
        return [da, db, dc];

        static Dictionary<string, object> Attrs(float alpha, bool transA, bool transB) => new()
        {
            ["alpha"] = alpha, ["transA"] = transA ? 1L : 0L, ["transB"] = transB ? 1L : 0L,
        };
    }

    /// <summary>
    /// dA = g·Bᵀ and dB = Aᵀ·g over the last two axes, summed over broadcast batch axes; a 1-D operand is treated
    /// as a row (A) or column (B) whose inserted axis is squeezed away again.
    /// </summary>
    public static string?[] MatMul(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        var (a, b, g) = (n.Input[0], n.Input[1], dy[0]!);
        int ra = c.Rank(a), rb = c.Rank(b);
        if (ra == 1 && rb == 1)
        {
            return
            [
                c.NeedsGradient(0) ? c.Op("Mul", g, b) : null,
                c.NeedsGradient(1) ? c.Op("Mul", g, a) : null,
            ];
        }
        var aShape = c.ShapeOf(a)!;
        var bShape = c.ShapeOf(b)!;
        var yShape = c.OutputShape();
        // Work with matrices: a 1-D A is a [1, K] row, a 1-D B a [K, 1] column, and g gets the dropped axis back.
        var a2 = ra == 1 ? c.Unsqueeze(a, 0) : a;
        var b2 = rb == 1 ? c.Unsqueeze(b, 1) : b;
        var g2 = ra == 1 ? c.Unsqueeze(g, -2) : rb == 1 ? c.Unsqueeze(g, -1) : g;
        int batchRank = yShape is null ? -1 : yShape.Rank - (ra == 1 || rb == 1 ? 1 : 2);
        string? da = null, db = null;
        if (c.NeedsGradient(0))
        {
            var full = c.Op("MatMul", g2, SwapLastTwo(c, b2, Math.Max(rb, 2)));
            if (ra == 1) full = c.Op("Squeeze", full, c.Ints(-2));
            da = c.ReduceToShape(full, GradShape(yShape, batchRank, aShape, ra), a);
        }
        if (c.NeedsGradient(1) && ra > 2 && rb == 2 && bShape.IsFullyKnown)
        {
            // Activations [..., M, K] times a weight matrix [K, N]: fold the batch into rows, one Gemm, no transposes.
            var (k, columns) = (bShape[0].Value!.Value, bShape[1].Value!.Value);
            db = c.Op("Gemm", [c.Reshape(a, c.Ints(-1, k)), c.Reshape(g, c.Ints(-1, columns))], new Dictionary<string, object> { ["transA"] = 1L });
        }
        else if (c.NeedsGradient(1))
        {
            var full = c.Op("MatMul", SwapLastTwo(c, a2, Math.Max(ra, 2)), g2);
            if (rb == 1) full = c.Op("Squeeze", full, c.Ints(-1));
            db = c.ReduceToShape(full, GradShape(yShape, batchRank, bShape, rb), b);
        }
        return [da, db];
    }

    private static string SwapLastTwo(GradientContext c, string value, int rank)
    {
        var perm = Enumerable.Range(0, rank).Select(i => (long)i).ToArray();
        (perm[rank - 2], perm[rank - 1]) = (perm[rank - 1], perm[rank - 2]);
        return c.Transpose(value, perm);
    }

    /// <summary>Shape of an operand's unreduced gradient: the output's batch dims followed by the operand's own matrix dims.</summary>
    private static TensorShape? GradShape(TensorShape? y, int batchRank, TensorShape operand, int operandRank)
    {
        if (y is null || batchRank < 0) return null;
        var matrixDims = operand.Dims.Skip(Math.Max(0, operandRank - 2));
        return new TensorShape(y.Dims.Take(batchRank).Concat(matrixDims).ToArray());
    }
}
