using System.Text.Json.Nodes;
using OnnxVideo.Autodiff.Optimizers;
using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Export.Tests.PackageSupport;

namespace OnnxVideo.Export.Tests;

public class OptimizerGraphTests
{
    /// <summary>"k" has size-1 axes (a temporal conv's kernel), which the graph updates as a flat vector.</summary>
    private static readonly (string Name, long[] Shape)[] Parameters = [("w", [3, 4]), ("b", [4]), ("k", [2, 3, 3, 1, 1])];

    private static readonly (string Variant, float[] Clips)[] Cases =
    [
        ("adamw", [0f, 0.5f, 0f]),
        ("adamw", [0.3f, 0.3f, 0.3f]),
        ("sgd", [0f, 0.4f, 0f]),
        ("sgd-nesterov", [0.5f, 0f, 0.2f]),
        ("sgd-plain", [0f, 0f, 0f]),
    ];

    [Fact]
    public void ThreeStepsMatchTorchOptim()
    {
        // One Python process for all cases: importing torch dominates the cost.
        var runs = Cases.Select(c => RunGraph(c.Variant, c.Clips)).ToList();
        var references = PythonReference.Run("optimizer_reference.py", runs.Select(r => r.Request).ToList()).AsArray();
        for (var k = 0; k < runs.Count; k++)
        {
            runs[k].Check(references[k]!);
        }
    }

    private sealed record CaseRun(object Request, Action<JsonNode> Check);

    private static CaseRun RunGraph(string variant, float[] clips)
    {
        var settings = variant switch
        {
            "adamw" => new OptimizerSettings { Kind = OptimizerKind.AdamW, WeightDecay = 0.1f, Beta1 = 0.8f, Beta2 = 0.99f, Epsilon = 1e-6f },
            "sgd" => new OptimizerSettings { Kind = OptimizerKind.Sgd, WeightDecay = 0.05f, Momentum = 0.9f },
            "sgd-nesterov" => new OptimizerSettings { Kind = OptimizerKind.Sgd, WeightDecay = 0.05f, Momentum = 0.8f, Nesterov = true },
            _ => new OptimizerSettings { Kind = OptimizerKind.Sgd, WeightDecay = 0f, Momentum = 0f },
        };
        var random = new Random(7);
        var values = Parameters.ToDictionary(p => p.Name, p => RandomArray(random, p.Shape));
        var initial = values.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
        var learningRates = new[] { 0.05f, 0.02f, 0.03f };
        var gradients = Enumerable.Range(0, 3)
            .Select(_ => Parameters.ToDictionary(p => p.Name, p => RandomArray(random, p.Shape))).ToList();

        var model = OptimizerGraph.BuildStandalone(settings, Parameters.Select(p => (p.Name, (IReadOnlyList<long>)p.Shape)).ToList());
        Assert.All(model.Graph.Node, n => Assert.Equal("", n.Domain));
        using var runner = new OrtModelRunner(model);
        var state = new Dictionary<string, float[]>();
        foreach (var (name, shape) in Parameters)
        {
            foreach (var suffix in settings.StateSuffixes)
            {
                state[name + suffix] = new float[Count(shape)];
            }
        }
        var norms = new List<float>();
        for (var step = 0; step < 3; step++)
        {
            var inputs = new Dictionary<string, (Array, long[])>
            {
                [OptimizerGraph.LearningRateInput] = (new[] { learningRates[step] }, []),
                [OptimizerGraph.StepInput] = (new[] { step + 1f }, []),
                [OptimizerGraph.ClipNormInput] = (new[] { clips[step] }, []),
            };
            foreach (var (name, shape) in Parameters)
            {
                inputs[name] = (values[name], shape);
                inputs[name + OptimizerGraph.GradientSuffix] = (gradients[step][name], shape);
            }
            foreach (var (name, value) in state)
            {
                inputs[name] = (value, Parameters.First(p => name.StartsWith(p.Name + ".", StringComparison.Ordinal)).Shape);
            }
            var outputNames = Parameters.Select(p => p.Name + OptimizerGraph.UpdatedSuffix)
                .Concat(state.Keys.Select(s => s + OptimizerGraph.UpdatedSuffix)).Append(OptimizerGraph.GradientNormOutput).ToList();
            var outputs = runner.Run(inputs, outputNames);
            foreach (var (name, _) in Parameters)
            {
                values[name] = outputs[name + OptimizerGraph.UpdatedSuffix];
            }
            foreach (var name in state.Keys.ToList())
            {
                state[name] = outputs[name + OptimizerGraph.UpdatedSuffix];
            }
            norms.Add(outputs[OptimizerGraph.GradientNormOutput][0]);
        }

        var request = new
        {
            kind = settings.Kind == OptimizerKind.AdamW ? "adamw" : "sgd",
            weight_decay = settings.WeightDecay,
            beta1 = settings.Beta1,
            beta2 = settings.Beta2,
            eps = settings.Epsilon,
            momentum = settings.Momentum,
            nesterov = settings.Nesterov,
            @params = Parameters.Select(p => new { value = initial[p.Name], shape = p.Shape, decay = p.Shape.Length > 1 }),
            steps = Enumerable.Range(0, 3).Select(s => new
            {
                lr = learningRates[s],
                clip = clips[s],
                grads = Parameters.Select(p => gradients[s][p.Name]),
            }),
        };
        return new CaseRun(request, reference => Check(reference, settings, norms, values, state, initial));
    }

    private static void Check(JsonNode reference, OptimizerSettings settings, List<float> norms, Dictionary<string, float[]> values,
        Dictionary<string, float[]> state, Dictionary<string, float[]> initial)
    {
        Assert.Equal(PythonReference.Floats(reference["norms"]), norms.ToArray(), new ToleranceComparer(1e-5f, 1e-5f));
        for (var i = 0; i < Parameters.Length; i++)
        {
            var name = Parameters[i].Name;
            Assert.Equal(PythonReference.Floats(reference["params"]![i]), values[name], new ToleranceComparer(1e-6f, 1e-5f));
            var torchState = reference["state"]![i]!.AsObject();
            var torchNames = settings.Kind == OptimizerKind.AdamW ? new[] { "exp_avg", "exp_avg_sq" } : settings.Momentum > 0 ? ["momentum_buffer"] : [];
            Assert.Equal(torchNames.Length, settings.StateSuffixes.Count);
            foreach (var torchName in torchNames)
            {
                Assert.Equal(PythonReference.Floats(torchState[torchName]), state[$"{name}.{torchName}"], new ToleranceComparer(1e-6f, 1e-5f));
            }
        }
        Assert.NotEqual(initial["w"], values["w"]);
    }

    [Fact]
    public void AdamWFirstStepFollowsTheWrittenOutFormula()
    {
        // One step, one parameter: p' = p(1 - lr·wd) - lr/(1-β1) · m / (√v/√(1-β2) + ε), m = (1-β1)g, v = (1-β2)g².
        var settings = new OptimizerSettings { Kind = OptimizerKind.AdamW, WeightDecay = 0.2f, Beta1 = 0.9f, Beta2 = 0.999f, Epsilon = 1e-8f };
        var p = new[] { 1.5f, -2f, 0.25f, 4f };
        var g = new[] { 0.1f, -3f, 0f, 2e-3f };
        const float lr = 0.01f;
        var model = OptimizerGraph.BuildStandalone(settings, [("p", (IReadOnlyList<long>)new long[] { 2, 2 })]);
        using var runner = new OrtModelRunner(model);
        var outputs = runner.Run(new Dictionary<string, (Array, long[])>
        {
            ["p"] = (p, [2, 2]),
            ["p.grad"] = (g, [2, 2]),
            ["p.exp_avg"] = (new float[4], [2, 2]),
            ["p.exp_avg_sq"] = (new float[4], [2, 2]),
            ["lr"] = (new[] { lr }, []),
            ["step"] = (new[] { 1f }, []),
            ["clip_norm"] = (new[] { 0f }, []),
        }, ["p.updated", "grad_norm"]);
        for (var i = 0; i < 4; i++)
        {
            double m = 0.1 * g[i], v = 0.001 * g[i] * g[i];
            var expected = p[i] * (1 - lr * 0.2) - lr / 0.1 * m / (Math.Sqrt(v) / Math.Sqrt(0.001) + 1e-8);
            Assert.Equal(expected, outputs["p.updated"][i], 5);
        }
        Assert.Equal(Math.Sqrt(g.Sum(x => (double)x * x)), outputs["grad_norm"][0], 4);
    }

    [Theory]
    [InlineData(OptimizerKind.AdamW)]
    [InlineData(OptimizerKind.Sgd)]
    public void AGuardedGraphKeepsTheStateOnANonFiniteStepAndElseMatchesThePlainOne(OptimizerKind kind)
    {
        var settings = OptimizerSettings.DefaultFor(kind) with { Momentum = 0.9f, WeightDecay = 0.1f };
        (string, IReadOnlyList<long>)[] parameters = [("p", new long[] { 2, 2 })];
        using var plain = new OrtModelRunner(OptimizerGraph.BuildStandalone(settings, parameters));
        using var guarded = new OrtModelRunner(OptimizerGraph.BuildStandalone(settings, parameters, guardState: true));
        var states = settings.StateSuffixes.Select(x => "p" + x).ToList();
        Dictionary<string, (Array, long[])> Inputs(float[] gradient)
        {
            var inputs = new Dictionary<string, (Array, long[])>
            {
                ["p"] = (new[] { 1.5f, -2f, 0.25f, 4f }, [2, 2]),
                ["p.grad"] = (gradient, [2, 2]),
                ["lr"] = (new[] { 0.01f }, []),
                ["step"] = (new[] { 3f }, []),
                ["clip_norm"] = (new[] { 1f }, []),
            };
            for (var i = 0; i < states.Count; i++)
            {
                inputs[states[i]] = (new[] { 0.3f * (i + 1), -0.1f, 2e-3f, 0.7f }, [2, 2]);
            }
            return inputs;
        }
        string[] outputs = ["p.updated", .. states.Select(x => x + ".updated")];

        var finite = Inputs([0.1f, -3f, 0f, 2e-3f]);
        var expected = plain.Run(finite, outputs);
        var actual = guarded.Run(finite, outputs);
        Assert.All(outputs, o => Assert.Equal(expected[o], actual[o]));

        foreach (var bad in new[] { float.NaN, float.PositiveInfinity })
        {
            var skipped = Inputs([0.1f, bad, 0f, 2e-3f]);
            var kept = guarded.Run(skipped, outputs);
            Assert.All(states, x => Assert.Equal((float[])skipped[x].Item1, kept[x + ".updated"]));
        }
    }

    [Theory]
    [InlineData(OptimizerKind.AdamW, true, 0.9f, "nesterov")]
    [InlineData(OptimizerKind.Sgd, true, 0f, "nesterov needs momentum")]
    [InlineData(OptimizerKind.Sgd, false, 1.5f, "momentum")]
    public void InvalidSettingsAreRejected(OptimizerKind kind, bool nesterov, float momentum, string message)
    {
        var settings = new OptimizerSettings { Kind = kind, Nesterov = nesterov, Momentum = momentum };
        var e = Assert.Throws<ArgumentException>(() => OptimizerGraph.BuildStandalone(settings, [("p", (IReadOnlyList<long>)new long[] { 2 })]));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void OneDimensionalParametersAreNotDecayedByDefault()
    {
        var settings = OptimizerSettings.DefaultFor(OptimizerKind.AdamW);
        Assert.False(settings.DecaysParameter([16]));
        Assert.True(settings.DecaysParameter([16, 4]));
        Assert.True((settings with { DecayOneDimensional = true }).DecaysParameter([16]));
    }

    [Fact]
    public void TheNormsSquaresAreAddedLastParameterFirstAndSummedInParameterOrder()
    {
        // ORT's execution order follows the order nodes were added: the last layer's weight gradient must come first so
        // that each one runs right after its layer's output gradient (issue 17's memory); the sum keeps its value.
        var model = OptimizerGraph.BuildStandalone(OptimizerSettings.DefaultFor(OptimizerKind.AdamW), [("a", [2]), ("b", [3]), ("c", [4])]);
        var squares = model.Graph.Node.Where(n => n.OpType == "ReduceSumSquare").ToList();
        Assert.Equal(["c.grad", "b.grad", "a.grad"], squares.Select(n => n.Input[0]));
        var sum = model.Graph.Node.Single(n => n.OpType == "Sum");
        Assert.Equal(["a.grad", "b.grad", "c.grad"], sum.Input.Select(x => squares.Single(n => n.Output[0] == x).Input[0]));
    }

    private static float[] RandomArray(Random random, long[] shape) =>
        Enumerable.Range(0, Count(shape)).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

    private static int Count(long[] shape) => (int)shape.Aggregate(1L, (a, d) => a * d);
}
