using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Packaging.Optimizers;

namespace OnnxVideo.Autodiff.Optimizers;

/// <summary>
/// Emits the optimizer update as standard ONNX nodes: global gradient-norm clipping, then AdamW or SGD per parameter,
/// computing what torch.optim (1.13) and torch.nn.utils.clip_grad_norm_ compute; AdamW's scalars are regrouped to
/// spare passes over the parameters (<see cref="AdamWShared"/>, <see cref="AdamWRates"/>), so the last bits may differ.
/// </summary>
internal static class OptimizerGraph
{
    public const string LearningRateInput = "lr";
    /// <summary>Float scalar: the 1-based index of the step being taken (AdamW bias correction).</summary>
    public const string StepInput = "step";
    /// <summary>Float scalar: clip gradients to this global L2 norm; 0 or less disables clipping.</summary>
    public const string ClipNormInput = "clip_norm";
    /// <summary>Float scalar output: the global L2 norm of the gradients before clipping.</summary>
    public const string GradientNormOutput = "grad_norm";
    public const string UpdatedSuffix = ".updated";
    public const string GradientSuffix = ".grad";

    private const TensorProto.Types.DataType Float = TensorProto.Types.DataType.Float;

    /// <summary>
    /// Adds the inputs lr, step, clip_norm and the optimizer state, the update nodes, and the outputs
    /// "&lt;param&gt;.updated", "&lt;state&gt;.updated" and grad_norm. Parameters and gradients must already be values
    /// of <paramref name="graph"/>.
    /// </summary>
    /// <remarks>
    /// With <paramref name="guardState"/> the state updates are guarded: when the gradient norm (or the given <paramref name="loss"/>) is not finite, every
    /// "&lt;state&gt;.updated" equals its input exactly, so a session may keep the state in one buffer, bound as input and
    /// output (the parameters' own updates are then discarded by the session). The gradient enters the state through
    /// Where(finite, gradient, 0) and the decay rates become 1, so the values of a finite step are unchanged.
    /// </remarks>
    public static OptimizerUpdate Append(GraphBuilder graph, OptimizerSettings settings, IReadOnlyList<OptimizerParameter> parameters,
        string? loss = null, bool guardState = false)
    {
        settings.Validate();
        if (parameters.Count == 0)
        {
            throw new ArgumentException("the optimizer needs at least one trainable parameter", nameof(parameters));
        }
        var lr = graph.Input(LearningRateInput, Float);
        var step = graph.Input(StepInput, Float);
        var clip = graph.Input(ClipNormInput, Float);

        var norm = GlobalNorm(graph, parameters.Select(p => p.Gradient).ToList());
        Emit(graph, "Identity", [norm], GradientNormOutput);
        graph.Output(GradientNormOutput, Float);
        var coefficient = ClipCoefficient(graph, norm, clip);
        var finite = guardState ? AllFinite(graph, loss is null ? [norm] : [norm, loss]) : null;

        var constants = new Dictionary<float, string>();
        string C(float value) => constants.TryGetValue(value, out var name) ? name : constants[value] = graph.Constant(value);
        var updatedParameters = new List<TensorBinding>();
        var updatedState = new List<TensorBinding>();
        // One set of step scalars per learning-rate scale; scale 1 uses the lr input itself, as without layer decay.
        var scaledRates = new Dictionary<float, string>();
        string RateFor(float scale) => scale == 1f ? lr
            : scaledRates.TryGetValue(scale, out var name) ? name : scaledRates[scale] = graph.Node("Mul", [lr, C(scale)]);
        var sharedByScale = new Dictionary<float, AdamWShared>();
        AdamWShared SharedFor(float scale) => sharedByScale.TryGetValue(scale, out var s) ? s
            : sharedByScale[scale] = AdamWScalars(graph, settings, RateFor(scale), step, C);
        string Guarded(float value, float skipped) => finite is null ? C(value) : graph.Node("Where", [finite, C(value), C(skipped)]);
        var adamWGradientRates = settings.Kind == OptimizerKind.AdamW ? AdamWGradientRates(graph, settings, coefficient, finite, C) : null;
        foreach (var p in parameters)
        {
            var states = settings.StateSuffixes.Select(s => p.Name + s).ToList();
            foreach (var s in states)
            {
                graph.Input(s, Float, Dims(p.Shape));
            }
            var operands = Operands.For(graph, p, states);
            var decay = settings.DecaysParameter(p.Shape);
            var newStates = adamWGradientRates is { } rates
                ? AdamW(graph, settings, SharedFor(p.LearningRateScale), rates, p, operands, Finite(graph, operands.Gradient, finite, C), decay, Guarded)
                : Sgd(graph, settings, p, operands, Finite(graph, graph.Node("Mul", [operands.Gradient, coefficient]), finite, C), decay,
                    RateFor(p.LearningRateScale), C, Guarded, finite);
            updatedParameters.Add(new TensorBinding(p.Name, p.Name + UpdatedSuffix, p.Shape));
            graph.Output(p.Name + UpdatedSuffix, Float, Dims(p.Shape));
            for (var i = 0; i < states.Count; i++)
            {
                graph.Output(newStates[i], Float, Dims(p.Shape));
                updatedState.Add(new TensorBinding(states[i], states[i] + UpdatedSuffix, p.Shape));
            }
        }
        return new OptimizerUpdate(updatedParameters, updatedState, GradientNormOutput);
    }

    /// <summary>
    /// A stand-alone optimizer graph: inputs are the parameters, their gradients "&lt;param&gt;.grad" (e.g. summed or
    /// averaged over micro-batches by the caller), the state, lr, step and clip_norm.
    /// </summary>
    public static ModelProto BuildStandalone(OptimizerSettings settings, IReadOnlyList<(string Name, IReadOnlyList<long> Shape)> parameters, int opset = 17,
        bool guardState = false) =>
        BuildStandalone(settings, parameters.Select(p => new OptimizerParameter(p.Name, p.Name + GradientSuffix, p.Shape)).ToList(), opset, guardState);

    /// <summary>
    /// <see cref="BuildStandalone(OptimizerSettings, IReadOnlyList{ValueTuple{string, IReadOnlyList{long}}}, int)"/> with
    /// each parameter's learning-rate scale; the gradient inputs are named "&lt;param&gt;.grad" whatever the given names.
    /// </summary>
    public static ModelProto BuildStandalone(OptimizerSettings settings, IReadOnlyList<OptimizerParameter> parameters, int opset = 17,
        bool guardState = false)
    {
        var graph = new GraphBuilder("optimizer");
        var optimizerParameters = new List<OptimizerParameter>();
        foreach (var p in parameters)
        {
            graph.Input(p.Name, Float, Dims(p.Shape));
            graph.Input(p.Name + GradientSuffix, Float, Dims(p.Shape));
            optimizerParameters.Add(p with { Gradient = p.Name + GradientSuffix });
        }
        Append(graph, settings, optimizerParameters, guardState: guardState);
        return OnnxModels.Create(graph.Graph, opset);
    }

    /// <summary>The gradient as the state sees it: zeros on a guarded step that is not finite.</summary>
    private static string Finite(GraphBuilder g, string gradient, string? finite, Func<float, string> c) =>
        finite is null ? gradient : g.Node("Where", [finite, gradient, c(0f)]);

    /// <summary>
    /// AdamW's step scalars. With √bc₂ = √(1 − β₂ᵗ), torch's m / (√v / √bc₂ + ε) · lr / bc₁ is written
    /// m / (√v + ε·√bc₂) · (lr / bc₁ · √bc₂): the same value, one pass over the parameter fewer.
    /// </summary>
    private sealed record AdamWShared(string DecayFactor, string StepSize, string Epsilon);

    private static AdamWShared AdamWScalars(GraphBuilder g, OptimizerSettings s, string lr, string step, Func<float, string> c)
    {
        var one = c(1f);
        var decayFactor = g.Node("Sub", [one, g.Node("Mul", [lr, c(s.WeightDecay)])]);
        var biasCorrection1 = g.Node("Sub", [one, g.Node("Pow", [c(s.Beta1), step])]);
        var sqrtBiasCorrection2 = g.Node("Sqrt", [g.Node("Sub", [one, g.Node("Pow", [c(s.Beta2), step])])]);
        return new AdamWShared(decayFactor, g.Node("Mul", [g.Node("Div", [lr, biasCorrection1]), sqrtBiasCorrection2]),
            g.Node("Mul", [c(s.Epsilon), sqrtBiasCorrection2]));
    }

    /// <summary>
    /// The rates at which the unclipped gradient g enters m and v: (1 − β₁)·k and (1 − β₂)·k², k the clip coefficient,
    /// so that g·k is never written out (one pass over each parameter fewer). Guarded, both are 0 on a step that is
    /// not finite (k may then be NaN), and g is 0 there.
    /// </summary>
    private sealed record AdamWRates(string Average, string SquaredAverage);

    private static AdamWRates AdamWGradientRates(GraphBuilder g, OptimizerSettings s, string coefficient, string? finite, Func<float, string> c)
    {
        string Rate(float rate, string scale)
        {
            var scaled = g.Node("Mul", [c(rate), scale]);
            return finite is null ? scaled : g.Node("Where", [finite, scaled, c(0f)]);
        }
        return new AdamWRates(Rate(1f - s.Beta1, coefficient), Rate(1f - s.Beta2, g.Node("Mul", [coefficient, coefficient])));
    }

    /// <summary>
    /// What one parameter's update reads (the parameter, its gradient and state) and how it writes its outputs. ORT's
    /// elementwise kernels take a slow path on tensors with size-1 axes (ORT 1.30/1.31, 2 threads: a [512, 1152, 3, 1, 1]
    /// tensor times a scalar 24 ms, the same tensor as [512, 1152, 3] 3 ms; R(2+1)D's temporal weights, 1×1×1 convs), so
    /// such a parameter is updated as a flat vector: Reshapes in (views) and one Reshape into each output (a copy).
    /// </summary>
    private sealed record Operands(string Param, string Gradient, IReadOnlyList<string> States, string? OutputShape)
    {
        public static Operands For(GraphBuilder g, OptimizerParameter p, IReadOnlyList<string> states)
        {
            if (p.Shape.Count < 2 || !p.Shape.Contains(1L))
            {
                return new Operands(p.Name, p.Gradient, states, null);
            }
            var flat = g.Constant([p.Shape.Aggregate(1L, (n, d) => n * d)]);
            string Flat(string value) => g.Node("Reshape", [value, flat]);
            return new Operands(Flat(p.Name), Flat(p.Gradient), states.Select(Flat).ToList(), g.Constant([.. p.Shape]));
        }

        /// <summary>Adds <paramref name="opType"/> of <paramref name="inputs"/> as the graph value <paramref name="output"/>;
        /// returns the value in the operands' own shape, for further use.</summary>
        public string EmitOutput(GraphBuilder g, string opType, IReadOnlyList<string> inputs, string output)
        {
            if (OutputShape is null)
            {
                return Emit(g, opType, inputs, output);
            }
            var value = g.Node(opType, inputs);
            Emit(g, "Reshape", [value, OutputShape], output);
            return value;
        }
    }

    /// <param name="guarded">(rate, rate of a skipped step): a scalar that is the first on a finite step.</param>
    private static List<string> AdamW(GraphBuilder g, OptimizerSettings s, AdamWShared shared, AdamWRates rates, OptimizerParameter p, Operands o,
        string gradient, bool decay, Func<float, float, string> guarded)
    {
        var param = decay ? g.Node("Mul", [o.Param, shared.DecayFactor]) : o.Param;
        var outputs = s.StateSuffixes.Select(suffix => p.Name + suffix + UpdatedSuffix).ToList();
        // New state values are computed straight into their output names (flat ones reshaped into them): no other
        // copies of optimizer-sized tensors. A skipped step (gradient 0, rates 1 and 0) gives m·1 + 0·0 = m exactly.
        var expAvg = o.EmitOutput(g, "Add", [g.Node("Mul", [o.States[0], guarded(s.Beta1, 1f)]), g.Node("Mul", [gradient, rates.Average])],
            outputs[0]);
        var expAvgSq = o.EmitOutput(g, "Add", [
            g.Node("Mul", [o.States[1], guarded(s.Beta2, 1f)]),
            g.Node("Mul", [g.Node("Mul", [gradient, gradient]), rates.SquaredAverage]),
        ], outputs[1]);
        var denominator = g.Node("Add", [g.Node("Sqrt", [expAvgSq]), shared.Epsilon]);
        var update = g.Node("Mul", [g.Node("Div", [expAvg, denominator]), shared.StepSize]);
        o.EmitOutput(g, "Sub", [param, update], p.Name + UpdatedSuffix);
        return outputs;
    }

    private static List<string> Sgd(GraphBuilder g, OptimizerSettings s, OptimizerParameter p, Operands o, string gradient, bool decay,
        string lr, Func<float, string> c, Func<float, float, string> guarded, string? finite)
    {
        var direction = decay ? g.Node("Add", [gradient, g.Node("Mul", [o.Param, c(s.WeightDecay)])]) : gradient;
        var outputs = s.StateSuffixes.Select(suffix => p.Name + suffix + UpdatedSuffix).ToList();
        if (s.Momentum > 0)
        {
            // A zero-initialised buffer makes the first step equal torch's "buffer = gradient" (no dampening). A
            // skipped step adds nothing to buffer·1 (the decayed weight term is finite, but not to be added either).
            var added = decay && finite is not null ? g.Node("Where", [finite, direction, c(0f)]) : direction;
            var buffer = o.EmitOutput(g, "Add", [g.Node("Mul", [o.States[0], guarded(s.Momentum, 1f)]), added], outputs[0]);
            direction = s.Nesterov ? g.Node("Add", [direction, g.Node("Mul", [buffer, c(s.Momentum)])]) : buffer;
        }
        o.EmitOutput(g, "Sub", [o.Param, g.Node("Mul", [direction, lr])], p.Name + UpdatedSuffix);
        return outputs;
    }

    /// <summary>
    /// sqrt(Σ ‖g‖²). The squares are emitted last parameter first (the Sum keeps the parameters' order, so the value is
    /// unchanged): ORT orders a graph by a depth-first walk from its outputs that visits a node's inputs in the order
    /// their nodes were added, so the norm's first input decides which weight gradient is computed first. From the
    /// last layer's on, each weight gradient runs as soon as its layer's output gradient exists and that gradient and
    /// the saved activations die early; first-layer-first kept every layer's output gradient alive until the end of the
    /// backward pass (issue 17: r3d_18's step, 2×3×8×112², peak arena use 459 → 375 MiB).
    /// </summary>
    private static string GlobalNorm(GraphBuilder g, IReadOnlyList<string> gradients)
    {
        var squares = new string[gradients.Count];
        for (var i = gradients.Count - 1; i >= 0; i--)
        {
            squares[i] = g.Node("ReduceSumSquare", [gradients[i]], new Dictionary<string, object> { ["keepdims"] = 0L });
        }
        var sum = squares.Length == 1 ? squares[0] : g.Node("Sum", squares);
        return g.Node("Sqrt", [sum]);
    }

    /// <summary>A boolean scalar: every value of <paramref name="scalars"/> is finite (neither NaN nor ±∞).</summary>
    private static string AllFinite(GraphBuilder g, IReadOnlyList<string> scalars)
    {
        var bad = scalars.Select(x => g.Node("Or", [g.Node("IsNaN", [x]), g.Node("IsInf", [x])])).ToList();
        return g.Node("Not", [bad.Count == 1 ? bad[0] : g.Node("Or", [bad[0], bad[1]])]);
    }

    private static string ClipCoefficient(GraphBuilder g, string norm, string clip)
    {
        var one = g.Constant(1f);
        var clamped = g.Node("Min", [g.Node("Div", [clip, g.Node("Add", [norm, g.Constant(1e-6f)])]), one]);
        return g.Node("Where", [g.Node("Greater", [clip, g.Constant(0f)]), clamped, one]);
    }

    /// <summary>Adds a node whose single output has a chosen name (a graph output or a bound-back value).</summary>
    private static string Emit(GraphBuilder g, string opType, IReadOnlyList<string> inputs, string output)
    {
        var node = new NodeProto { OpType = opType, Name = g.UniqueName(output + "/" + opType) };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        g.Graph.Node.Add(node);
        return output;
    }

    internal static Dim[] Dims(IReadOnlyList<long> shape) => shape.Select(d => (Dim)d).ToArray();
}
