/** What the demo puts on stage (`npm start`): a few channels, their products and lines, and trips. */

export interface DemoProduct {
  readonly productId: string;
  readonly name: string;
  readonly category: string;
  /** KRW. */
  readonly price: number;
}

export interface DemoChannel {
  readonly channelId: string;
  readonly sellerId: string;
  readonly title: string;
  readonly products: readonly DemoProduct[];
  /** Auctions run back to back on these products (none: a plain shopping channel). */
  readonly auction: null | {
    readonly productIds: readonly string[];
    readonly startingPrice: number;
    readonly minIncrement: number;
  };
  /** Simulated audience: it drifts between these bounds. */
  readonly audience: readonly [min: number, max: number];
  readonly lines: readonly string[];
}

export const DEMO_CHANNELS: readonly DemoChannel[] = [
  {
    channelId: 'demo-winter-outerwear',
    sellerId: 'seller-mina',
    title: 'Winter outerwear — live auction',
    products: [
      { productId: 'long-padding', name: 'Long padded coat', category: 'outerwear', price: 189_000 },
      { productId: 'fleece-jacket', name: 'Fleece jacket', category: 'outerwear', price: 59_000 },
      { productId: 'wool-scarf', name: 'Wool scarf', category: 'accessories', price: 29_000 },
    ],
    auction: { productIds: ['long-padding', 'fleece-jacket'], startingPrice: 40_000, minIncrement: 1_000 },
    audience: [6, 14],
    lines: [
      'Is the coat warm enough for -15°C?',
      'What sizes are left?',
      'The navy one looks great',
      'Does it come with a hood?',
      'Shipping before the holidays?',
      'Bidding now!',
      'How long is the coat?',
      'Love the colour',
    ],
  },
  {
    channelId: 'demo-k-beauty',
    sellerId: 'seller-jun',
    title: 'K-beauty hour',
    products: [
      { productId: 'sun-cream', name: 'Daily sun cream SPF50', category: 'skincare', price: 18_000 },
      { productId: 'cushion', name: 'Glow cushion compact', category: 'makeup', price: 32_000 },
      { productId: 'toner-pads', name: 'Toner pads (70)', category: 'skincare', price: 21_000 },
    ],
    auction: { productIds: ['cushion'], startingPrice: 10_000, minIncrement: 500 },
    audience: [4, 10],
    lines: [
      'Is it good for dry skin?',
      'Which shade is the lightest?',
      'Restock when?',
      'Just ordered two!',
      'Fragrance-free?',
      'Price drop please :)',
    ],
  },
  {
    channelId: 'demo-kitchen',
    sellerId: 'seller-hana',
    title: 'Kitchen gadgets flash sale',
    products: [
      { productId: 'air-fryer', name: 'Air fryer 5 L', category: 'appliances', price: 89_000 },
      { productId: 'knife-set', name: 'Chef knife set', category: 'kitchen', price: 45_000 },
    ],
    auction: null,
    audience: [2, 6],
    lines: ['How loud is the fryer?', 'Dishwasher safe?', 'Bought one last year, recommended', 'Is there a warranty?'],
  },
];

/** Simulated people: viewers, chatters and bidders take these names. */
export const DEMO_NAMES: readonly string[] = [
  'mina',
  'jun',
  'hana',
  'seo',
  'doyun',
  'yuna',
  'minho',
  'jiwoo',
  'sora',
  'taeyang',
  'eunji',
  'haru',
  'nari',
  'joon',
  'bora',
  'chan',
];

/** Who schedules the demo trips (any signed-in user may; the bus operator in the story). */
export const DEMO_OPERATOR = 'demo-bus-operator';

export interface DemoTrip {
  /** Hours from now. */
  readonly departsInHours: number;
  readonly tripId: string;
  readonly route: string;
  readonly capacity: number;
  readonly maxSeatsPerBooking: number;
}

/**
 * The first trip is the one `POST /api/book-bus` books on (the runtime's `defaultTripId`); it is
 * large so that the artillery spike has seats to confirm before the rejections start.
 */
export const demoTrips = (defaultTripId: string): readonly DemoTrip[] => [
  {
    tripId: defaultTripId,
    route: 'Seoul → Busan holiday express (10 buses)',
    departsInHours: 30,
    capacity: 450,
    maxSeatsPerBooking: 4,
  },
  { tripId: 'demo-seoul-gwangju', route: 'Seoul → Gwangju', departsInHours: 26, capacity: 45, maxSeatsPerBooking: 4 },
  {
    tripId: 'demo-seoul-gangneung',
    route: 'Seoul → Gangneung',
    departsInHours: 50,
    capacity: 28,
    maxSeatsPerBooking: 2,
  },
];
