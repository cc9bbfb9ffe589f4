using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Models.Zoo;

/// <summary>
/// Seeded random initialisation following <see cref="ParameterInit"/>. Every parameter draws from its own generator,
/// seeded from the model seed and the parameter name, so a value does not depend on declaration order.
/// </summary>
internal sealed class RandomParameterSource(int seed) : IZooParameterSource
{
    public TensorProto Create(string name, long[] shape, ParameterInit init)
    {
        var count = checked((int)shape.Aggregate(1L, (a, d) => a * d));
        var data = new float[count];
        switch (init.Kind)
        {
            case ParameterInitKind.Zeros:
                break;
            case ParameterInitKind.Ones:
                Array.Fill(data, 1f);
                break;
            case ParameterInitKind.KaimingNormalFanOut:
                var fanOut = shape.Length == 0 ? 1 : shape[0] * shape.Skip(2).Aggregate(1L, (a, d) => a * d);
                FillNormal(data, Math.Sqrt(2.0 / fanOut), truncate: false, NameSeed(name));
                break;
            case ParameterInitKind.Normal:
                FillNormal(data, init.Std, truncate: false, NameSeed(name));
                break;
            case ParameterInitKind.TruncatedNormal:
                FillNormal(data, init.Std, truncate: true, NameSeed(name));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(init), init.Kind, "unknown initialisation");
        }
        return TensorProtos.FromFloats(name, data, shape);
    }

    private int NameSeed(string name)
    {
        // FNV-1a over the name: stable across runs and platforms, unlike string.GetHashCode.
        var hash = 2166136261u;
        foreach (var c in name)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return (int)(hash ^ (uint)seed * 2654435761u);
    }

    private static void FillNormal(float[] data, double std, bool truncate, int seed)
    {
        var random = new Random(seed);
        var i = 0;
        while (i < data.Length)
        {
            // Box–Muller gives two independent normals per pair of uniforms; 1 - NextDouble() is in (0, 1].
            var radius = Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble()));
            var (sin, cos) = Math.SinCos(2 * Math.PI * random.NextDouble());
            foreach (var value in (ReadOnlySpan<double>)[radius * cos, radius * sin])
            {
                if (i < data.Length && !(truncate && Math.Abs(value) > 2))
                {
                    data[i++] = (float)(value * std);
                }
            }
        }
    }
}
