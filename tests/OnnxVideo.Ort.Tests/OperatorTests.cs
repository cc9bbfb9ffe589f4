using OnnxVideo.Onnx;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Ort.Tests;

/// <summary>Models built with OnnxVideo.Onnx, run through ORT, checked against naive loops written here.</summary>
public sealed class OperatorTests
{
    [Fact]
    public void Conv3dMatchesNaiveLoops()
    {
        const int c = 2, m = 3, d = 4, h = 5, w = 5, k = 3;
        var x = TestData.Random(c * d * h * w, 1);
        var weights = TestData.Random(m * c * k * k * k, 2);
        var bias = TestData.Random(m, 3);
        int[] strides = [1, 2, 2];
        const int pad = 1;
        var g = new GraphBuilder("conv3d");
        var input = g.Input("x", DataType.Float, 1, c, d, h, w);
        var wName = g.Initializer("w", weights, m, c, k, k, k);
        var bName = g.Initializer("b", bias, m);
        var y = g.Node("Conv", [input, wName, bName], new Dictionary<string, object>
        {
            ["kernel_shape"] = new long[] { k, k, k },
            ["pads"] = new long[] { pad, pad, pad, pad, pad, pad },
            ["strides"] = new long[] { strides[0], strides[1], strides[2] },
        });
        int od = (d + 2 * pad - k) / strides[0] + 1, oh = (h + 2 * pad - k) / strides[1] + 1, ow = (w + 2 * pad - k) / strides[2] + 1;
        g.Output(y, DataType.Float, 1, m, od, oh, ow);

        var expected = new float[m * od * oh * ow];
        for (var oc = 0; oc < m; oc++)
        for (var z = 0; z < od; z++)
        for (var r = 0; r < oh; r++)
        for (var s = 0; s < ow; s++)
        {
            double sum = bias[oc];
            for (var ic = 0; ic < c; ic++)
            for (var kz = 0; kz < k; kz++)
            for (var kr = 0; kr < k; kr++)
            for (var ks = 0; ks < k; ks++)
            {
                int iz = z * strides[0] - pad + kz, ir = r * strides[1] - pad + kr, @is = s * strides[2] - pad + ks;
                if (iz < 0 || iz >= d || ir < 0 || ir >= h || @is < 0 || @is >= w)
                {
                    continue;
                }

                sum += x[((ic * d + iz) * h + ir) * w + @is] * weights[(((oc * c + ic) * k + kz) * k + kr) * k + ks];
            }

            expected[((oc * od + z) * oh + r) * ow + s] = (float)sum;
        }

        using var session = new OrtSession(TestModels.ToBytes(g));
        using var xv = OrtValue.CreateTensor(x, 1, c, d, h, w);
        using var result = session.Run(["x"], [xv])[0];
        Assert.Equal(new long[] { 1, m, od, oh, ow }, result.Shape);
        Assert.Equal(expected, result.GetTensorSpan<float>().ToArray(), new ToleranceComparer(1e-4f, 1e-4f));
    }

    [Fact]
    public void GemmMatchesNaiveLoops()
    {
        const int rows = 3, inner = 4, cols = 5;
        const float alpha = 0.5f, beta = 2f;
        var a = TestData.Random(rows * inner, 4);
        var b = TestData.Random(cols * inner, 5);
        var bias = TestData.Random(cols, 6);
        var g = new GraphBuilder("gemm");
        var input = g.Input("a", DataType.Float, rows, inner);
        var y = g.Node("Gemm", [input, g.Initializer("b", b, cols, inner), g.Initializer("c", bias, cols)], new Dictionary<string, object>
        {
            ["alpha"] = alpha,
            ["beta"] = beta,
            ["transB"] = 1L,
        });
        g.Output(y, DataType.Float, rows, cols);

        var expected = new float[rows * cols];
        for (var i = 0; i < rows; i++)
        for (var j = 0; j < cols; j++)
        {
            double dot = 0;
            for (var t = 0; t < inner; t++)
            {
                dot += a[i * inner + t] * b[j * inner + t];
            }

            expected[i * cols + j] = (float)(alpha * dot + beta * bias[j]);
        }

        using var session = new OrtSession(TestModels.ToBytes(g));
        using var av = OrtValue.CreateTensor(a, rows, inner);
        using var result = session.Run(["a"], [av])[0];
        Assert.Equal(expected, result.GetTensorSpan<float>().ToArray(), new ToleranceComparer(1e-4f, 1e-4f));
    }

    [Fact]
    public void SoftmaxMatchesNaiveLoops()
    {
        const int rows = 6, cols = 4;
        var x = TestData.Random(rows * cols, 7);
        for (var i = 0; i < x.Length; i++)
        {
            x[i] *= 10;
        }

        var g = new GraphBuilder("softmax");
        var input = g.Input("x", DataType.Float, 2, 3, cols);
        g.Output(g.Node("Softmax", [input], new Dictionary<string, object> { ["axis"] = -1L }), DataType.Float, 2, 3, cols);

        var expected = new float[x.Length];
        for (var r = 0; r < rows; r++)
        {
            var max = double.NegativeInfinity;
            for (var j = 0; j < cols; j++)
            {
                max = Math.Max(max, x[r * cols + j]);
            }

            double total = 0;
            for (var j = 0; j < cols; j++)
            {
                total += Math.Exp(x[r * cols + j] - max);
            }

            for (var j = 0; j < cols; j++)
            {
                expected[r * cols + j] = (float)(Math.Exp(x[r * cols + j] - max) / total);
            }
        }

        using var session = new OrtSession(TestModels.ToBytes(g));
        using var xv = OrtValue.CreateTensor(x, 2, 3, cols);
        using var result = session.Run(["x"], [xv])[0];
        Assert.Equal(expected, result.GetTensorSpan<float>().ToArray(), new ToleranceComparer(1e-5f, 1e-5f));
    }

    [Fact]
    public void ReshapeThenTransposeMatchesIndexArithmetic()
    {
        // x [2, 3, 4] → Reshape [4, 6] → Transpose perm [1, 0] → [6, 4]; and x → Transpose perm [2, 0, 1] → [4, 2, 3].
        var x = TestData.Random(24, 8);
        var g = new GraphBuilder("shape_ops");
        var input = g.Input("x", DataType.Float, 2, 3, 4);
        var reshaped = g.Node("Reshape", [input, g.Initializer("new_shape", new long[] { 4, -1 }, 2)]);
        g.Output(reshaped, DataType.Float, 4, 6);
        var transposed2d = g.Node("Transpose", [reshaped], new Dictionary<string, object> { ["perm"] = new long[] { 1, 0 } });
        g.Output(transposed2d, DataType.Float, 6, 4);
        var transposed3d = g.Node("Transpose", [input], new Dictionary<string, object> { ["perm"] = new long[] { 2, 0, 1 } });
        g.Output(transposed3d, DataType.Float, 4, 2, 3);

        var expected2d = new float[24];
        for (var r = 0; r < 4; r++)
        for (var col = 0; col < 6; col++)
        {
            expected2d[col * 4 + r] = x[r * 6 + col];
        }

        var expected3d = new float[24];
        for (var i = 0; i < 2; i++)
        for (var j = 0; j < 3; j++)
        for (var k = 0; k < 4; k++)
        {
            expected3d[(k * 2 + i) * 3 + j] = x[(i * 3 + j) * 4 + k];
        }

        using var session = new OrtSession(TestModels.ToBytes(g));
        using var xv = OrtValue.CreateTensor(x, 2, 3, 4);
        var outputs = session.Run(["x"], [xv]);
        try
        {
            Assert.Equal(new long[] { 4, 6 }, outputs[0].Shape);
            Assert.Equal(x, outputs[0].ToArray<float>());
            Assert.Equal(new long[] { 6, 4 }, outputs[1].Shape);
            Assert.Equal(expected2d, outputs[1].ToArray<float>());
            Assert.Equal(new long[] { 4, 2, 3 }, outputs[2].Shape);
            Assert.Equal(expected3d, outputs[2].ToArray<float>());
        }
        finally
        {
            foreach (var output in outputs)
            {
                output.Dispose();
            }
        }
    }
}
